import { z } from 'zod';
import { PRIORITIES } from '../alerting/domain/model.ts';
import { configError } from '../shared/config-error.ts';
import { readConfigFile } from '../shared/config-file.ts';

const id = z.string().regex(/^[A-Za-z0-9._-]{1,64}$/, 'must be an id of letters, digits, . _ -');
const httpUrl = z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' });
const priorities = z.array(z.enum(PRIORITIES)).min(1);
const hhmm = z.string().regex(/^([01]\d|2[0-3]):[0-5]\d$/, 'must be HH:MM');

const webhook = z.strictObject({ id, url: httpUrl, secret: z.string().min(16, 'must be at least 16 characters'), priorities: priorities.optional() });
const robot = z.strictObject({
  id,
  kind: z.enum(['dingtalk', 'wecom', 'feishu']),
  url: httpUrl,
  /** DingTalk's and Feishu's signing secret ("加签"); WeCom's key is in the URL. */
  secret: z.string().min(1).optional(),
  /** What the group sees: P1/P2 by default. */
  priorities: priorities.optional(),
});
const person = z.strictObject({
  email: z.email().optional(),
  phone: z.string().regex(/^\+?\d{6,15}$/, 'must be a phone number of digits').optional(),
  /** Local time window in which P3/P4 wait (never a P1 or P2). */
  quietHours: z.strictObject({ from: hhmm, to: hhmm }).optional(),
});
const department = z.strictObject({ email: z.email().optional(), robot: id.optional() });

export const channelsFileSchema = z.strictObject({
  version: z.literal(1).default(1),
  webhooks: z.array(webhook).default([]),
  robots: z.array(robot).default([]),
  smtp: z.strictObject({ url: z.url({ protocol: /^smtps?$/, error: 'must be an smtp:// or smtps:// URL' }), from: z.string().min(3), dutyGroup: z.array(z.email()).default([]) }).optional(),
  /** SMS through Aliyun (阿里云短信); off unless given. */
  sms: z.strictObject({
    provider: z.literal('aliyun'),
    endpoint: httpUrl.default('https://dysmsapi.aliyuncs.com/'),
    accessKeyId: z.string().min(1),
    accessKeySecret: z.string().min(1),
    signName: z.string().min(1),
    templateCode: z.string().min(1),
    /** A template with a `${link}` variable for residents' tracking links (issue 16); without it no tracking link is texted. */
    trackingTemplateCode: z.string().min(1).optional(),
    priorities: priorities.default(['P1']),
  }).optional(),
  people: z.record(id, person).default({}),
  departments: z.record(id, department).default({}),
}).superRefine((f, ctx) => {
  const robots = new Set(f.robots.map((r) => r.id));
  f.robots.forEach((r, i) => {
    if (r.kind === 'dingtalk' && !r.secret) ctx.addIssue({ code: 'custom', path: ['robots', i, 'secret'], message: 'is required for a DingTalk robot (its "加签" signing secret)' });
  });
  for (const [dep, d] of Object.entries(f.departments)) {
    if (d.robot && !robots.has(d.robot)) ctx.addIssue({ code: 'custom', path: ['departments', dep, 'robot'], message: `names no robot in robots (${[...robots].join(', ') || 'none'})` });
  }
});

export type ChannelsFile = z.infer<typeof channelsFileSchema>;
export type RobotConfig = ChannelsFile['robots'][number];

/** Reads and checks the channels file; an error names the file and every bad key. */
export function loadChannelsFile(path: string | undefined): ChannelsFile {
  if (path === undefined) return channelsFileSchema.parse({});
  const parsed = channelsFileSchema.safeParse(readConfigFile(path, 'channels file'));
  if (!parsed.success) throw configError(`channels file ${path}`, parsed.error.issues);
  return parsed.data;
}
