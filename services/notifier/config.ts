import { resolve } from 'node:path';
import { parseEnvSettings } from '../shared/env-settings.ts';
import { z } from 'zod';
import { channelsFileSchema, loadChannelsFile, type ChannelsFile } from './channels-file.ts';
import { PublicUrl } from './public-url.ts';
import { DEFAULT_RETRY, type RetryPolicy } from './retry-policy.ts';

export const NOTIFIER_GROUP = 'oc-notifier';

const optionalUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).optional();
const envShape = {
  OC_NOTIFY_CHANNELS_FILE: z.string().min(1).optional(),
  OC_NOTIFY_WEBHOOK_URL: optionalUrl,
  OC_NOTIFY_WEBHOOK_SECRET: z.string().min(16, 'must be at least 16 characters').optional(),
  OC_NOTIFY_DINGTALK_URL: optionalUrl,
  OC_NOTIFY_DINGTALK_SECRET: z.string().min(1).optional(),
  OC_NOTIFY_WECOM_URL: optionalUrl,
  OC_NOTIFY_FEISHU_URL: optionalUrl,
  OC_NOTIFY_FEISHU_SECRET: z.string().min(1).optional(),
  OC_SMTP_URL: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }).optional(),
  OC_SMTP_FROM: z.string().min(3).default('OpenCompound <noreply@localhost>'),
  OC_SMTP_TO: z.string().optional(),
  OC_PUBLIC_URL: optionalUrl,
  OC_VAPID_SUBJECT: z.string().regex(/^(mailto:|https:)/, 'must be a mailto: or https: URL').default('mailto:admin@localhost'),
  OC_NOTIFY_GROUP: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a consumer group name').default(NOTIFIER_GROUP),
  OC_NOTIFY_START: z.enum(['beginning', 'end']).default('beginning'),
  OC_NOTIFY_TIMEOUT_MS: z.coerce.number().int().positive().max(120_000).default(DEFAULT_RETRY.timeoutMs),
  OC_NOTIFY_RETRY_BASE_MS: z.coerce.number().int().positive().max(600_000).default(DEFAULT_RETRY.baseMs),
  OC_NOTIFY_MAX_ATTEMPTS: z.coerce.number().int().positive().max(100).default(DEFAULT_RETRY.maxAttempts),
};
/** Never echoed in an error: the URL of a WeCom robot is its key, the others are secrets. */
const SECRET_KEYS = new Set(['OC_NOTIFY_WEBHOOK_SECRET', 'OC_NOTIFY_DINGTALK_SECRET', 'OC_NOTIFY_FEISHU_SECRET', 'OC_NOTIFY_WECOM_URL', 'OC_SMTP_URL', 'OC_NOTIFY_DINGTALK_URL', 'OC_NOTIFY_FEISHU_URL']);

const envSchema = z.object(envShape).superRefine((e, ctx) => {
  const pairs = [['OC_NOTIFY_WEBHOOK_URL', 'OC_NOTIFY_WEBHOOK_SECRET'], ['OC_NOTIFY_DINGTALK_URL', 'OC_NOTIFY_DINGTALK_SECRET']] as const;
  for (const [url, secret] of pairs) {
    if (e[url] && !e[secret]) ctx.addIssue({ code: 'custom', path: [secret], message: `is required with ${url} (the receiver checks the signature)` });
  }
});

export interface NotifierConfig {
  storePath: string;
  /** Where the VAPID key pair is generated on first start. */
  vapidFile: string;
  /** VAPID contact (mailto: or https:) the push services may use. */
  vapidSubject: string;
  channels: ChannelsFile;
  /** Base of the ticket links in messages: OC_PUBLIC_URL, else the HTTP listener's bound address. */
  publicUrl: PublicUrl;
  groupId: string;
  startAt: 'beginning' | 'end';
  retry: RetryPolicy;
}

/**
 * The notifier's settings: the channels file (OC_NOTIFY_CHANNELS_FILE) with the
 * single-channel environment overrides added to it, each checked at start.
 */
export function loadNotifierConfig(dataDir: string, httpPort: number, env: NodeJS.ProcessEnv = process.env): NotifierConfig {
  const e = parseEnvSettings(envSchema, Object.keys(envShape), SECRET_KEYS, env);
  const file = loadChannelsFile(e.OC_NOTIFY_CHANNELS_FILE && resolve(e.OC_NOTIFY_CHANNELS_FILE));
  const channels = channelsFileSchema.parse({
    ...file,
    webhooks: [...file.webhooks, ...(e.OC_NOTIFY_WEBHOOK_URL ? [{ id: 'env-webhook', url: e.OC_NOTIFY_WEBHOOK_URL, secret: e.OC_NOTIFY_WEBHOOK_SECRET }] : [])],
    robots: [
      ...file.robots,
      ...(e.OC_NOTIFY_DINGTALK_URL ? [{ id: 'env-dingtalk', kind: 'dingtalk', url: e.OC_NOTIFY_DINGTALK_URL, secret: e.OC_NOTIFY_DINGTALK_SECRET }] : []),
      ...(e.OC_NOTIFY_WECOM_URL ? [{ id: 'env-wecom', kind: 'wecom', url: e.OC_NOTIFY_WECOM_URL }] : []),
      ...(e.OC_NOTIFY_FEISHU_URL ? [{ id: 'env-feishu', kind: 'feishu', url: e.OC_NOTIFY_FEISHU_URL, secret: e.OC_NOTIFY_FEISHU_SECRET }] : []),
    ],
    smtp: e.OC_SMTP_URL ? { url: e.OC_SMTP_URL, from: e.OC_SMTP_FROM, dutyGroup: (e.OC_SMTP_TO ?? '').split(',').map((s) => s.trim()).filter(Boolean) } : file.smtp,
  });
  return {
    storePath: resolve(dataDir, 'notifier.db'),
    vapidFile: resolve(dataDir, 'vapid.json'),
    vapidSubject: e.OC_VAPID_SUBJECT,
    channels,
    publicUrl: PublicUrl.of(e.OC_PUBLIC_URL, httpPort),
    groupId: e.OC_NOTIFY_GROUP,
    startAt: e.OC_NOTIFY_START,
    retry: { ...DEFAULT_RETRY, timeoutMs: e.OC_NOTIFY_TIMEOUT_MS, baseMs: e.OC_NOTIFY_RETRY_BASE_MS, maxAttempts: e.OC_NOTIFY_MAX_ATTEMPTS },
  };
}
