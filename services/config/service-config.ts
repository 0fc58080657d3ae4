import { resolve } from 'node:path';
import { z } from 'zod';
import { OcError } from '../shared/errors.ts';
import { REFERENCE_SITE_PATH } from '../site/load.ts';

const port = z.coerce.number().int().min(0).max(65535);
const BOOL_WORDS = ['true', 'false', '1', '0', 'yes', 'no'] as const;
const isTrue = (v: string): boolean => v === 'true' || v === '1' || v === 'yes';
const bool = z.enum(BOOL_WORDS).transform(isTrue);
/** OC_SIMULATE: a boolean, or the mode by name; `true` lets the simulation pick (see simulators/live-simulation.ts). */
const simulate = z
  .enum([...BOOL_WORDS, 'agents', 'protocols'])
  .transform((v) => (v === 'agents' || v === 'protocols' ? { enabled: true, mode: v } : { enabled: isTrue(v), mode: 'auto' as const }));

/** Every setting a service reads, by its environment variable; nothing else reads process.env. */
const envShape = {
  OC_DATA_DIR: z.string().min(1).default('data'),
  OC_SITE_FILE: z.string().min(1).default(REFERENCE_SITE_PATH),
  OC_MQTT_HOST: z.string().min(1).default('127.0.0.1'),
  OC_MQTT_PORT: port.default(1883),
  OC_MQTT_TLS_PORT: port.default(8883),
  OC_MQTT_TLS_CERT: z.string().min(1).optional(),
  OC_MQTT_TLS_KEY: z.string().min(1).optional(),
  OC_HTTP_HOST: z.string().min(1).default('127.0.0.1'),
  OC_HTTP_PORT: port.default(8080),
  OC_ROSTER_FILE: z.string().min(1).optional(),
  OC_RULES_FILE: z.string().min(1).optional(),
  OC_TICKET_POLICY_FILE: z.string().min(1).optional(),
  OC_ALERTING_GROUP: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a consumer group name').default('oc.alerting'),
  OC_ALERTING_START: z.enum(['beginning', 'end']).default('beginning'),
  OC_ALERTING_TICK_MS: z.coerce.number().int().min(100).max(600_000).default(5_000),
  /** Days a resolved alert (a fire of a rule, ticket or not) is kept before the sweep deletes it. */
  OC_ALERT_RETENTION_DAYS: z.coerce.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days (10 years)').default(30),
  OC_EVENT_LOG: z.enum(['embedded', 'kafka']).default('embedded'),
  OC_KAFKA_BROKERS: z
    .string()
    .regex(/^[^\s:,]+:\d+(,[^\s:,]+:\d+)*$/, 'must be host:port[,host:port...]')
    .optional(),
  OC_LOG_SYNC: z.enum(['FULL', 'NORMAL']).default('FULL'),
  OC_SIMULATE: simulate.default({ enabled: true, mode: 'auto' }),
  OC_SIM_SCENARIO: z.string().min(1).optional(),
  OC_SIM_SPEED: z.coerce.number().positive().max(100_000).optional(),
  OC_MAX_PAYLOAD_BYTES: z.coerce.number().int().min(1024).max(1024 * 1024).optional(),
  OC_USERS_FILE: z.string().min(1).optional(),
  OC_SESSION_IDLE_HOURS: z.coerce.number().positive().max(24 * 30).default(12),
  OC_SESSION_MAX_HOURS: z.coerce.number().positive().max(24 * 30).default(24),
  OC_COOKIE_SECURE: bool.default(false),
  OC_MQTT_MAX_CONNECTIONS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  OC_MQTT_MAX_CONNECTIONS_PER_ADDRESS: z.coerce.number().int().min(1).max(1_000_000).optional(),
  /** Days after a ticket closes that its reports' callback phone, caller name and photos are kept (issue 16). */
  OC_REPORT_RETENTION_DAYS: z.coerce.number({ error: 'must be a whole number of days' }).int('must be a whole number of days').min(1, 'must be at least 1 day').max(3650, 'must be at most 3650 days (10 years)').default(180),
};
const envSchema = z.object(envShape).superRefine((e, ctx) => {
  if (e.OC_EVENT_LOG === 'kafka' && e.OC_KAFKA_BROKERS === undefined) {
    ctx.addIssue({ code: 'custom', path: ['OC_KAFKA_BROKERS'], message: 'is required when OC_EVENT_LOG=kafka' });
  }
  if ((e.OC_MQTT_TLS_CERT === undefined) !== (e.OC_MQTT_TLS_KEY === undefined)) {
    const missing = e.OC_MQTT_TLS_CERT === undefined ? 'OC_MQTT_TLS_CERT' : 'OC_MQTT_TLS_KEY';
    ctx.addIssue({ code: 'custom', path: [missing], message: 'TLS needs both a certificate and a key file' });
  }
});

export interface ServiceConfig {
  dataDir: string;
  siteFile: string;
  mqtt: { host: string; port: number; tls: { port: number; certFile: string; keyFile: string } | undefined };
  eventLog: { kind: 'embedded'; path: string; synchronous: 'FULL' | 'NORMAL' } | { kind: 'kafka'; brokers: string[] };
  credentialsFile: string;
  http: { host: string; port: number };
  alerting: { storePath: string; rosterFile: string | undefined; rulesFile: string | undefined; ticketPolicyFile: string | undefined; tickIntervalMs: number; groupId: string; startAt: 'beginning' | 'end'; alertRetentionDays: number };
  simulator: { enabled: boolean; mode: 'auto' | 'agents' | 'protocols'; scenarioFile: string | undefined; speed: number | undefined; secretsFile: string; outboxFile: string };
  gateway: { maxPayloadBytes: number | undefined; maxConnections?: number | undefined; maxConnectionsPerAddress?: number | undefined };
  api: { usersFile: string | undefined; session: { idleMs: number; maxAgeMs: number }; secureCookie: boolean; reports: { retentionDays: number } };
}

/** Validates the environment at start; the message names each bad variable. */
export function loadServiceConfig(env: NodeJS.ProcessEnv = process.env): ServiceConfig {
  const known = Object.fromEntries(Object.keys(envShape).map((k) => [k, env[k] === '' ? undefined : env[k]]));
  const parsed = envSchema.safeParse(known);
  if (!parsed.success) {
    const detail = parsed.error.issues.map((i) => `${i.path.join('.')}=${JSON.stringify(env[String(i.path[0])])}: ${i.message}`).join('; ');
    throw new OcError('OC_CONFIG_INVALID', detail, { keys: parsed.error.issues.map((i) => i.path.join('.')) });
  }
  const e = parsed.data;
  const dataDir = resolve(e.OC_DATA_DIR);
  return {
    dataDir,
    siteFile: resolve(e.OC_SITE_FILE),
    mqtt: {
      host: e.OC_MQTT_HOST,
      port: e.OC_MQTT_PORT,
      tls: e.OC_MQTT_TLS_CERT && e.OC_MQTT_TLS_KEY ? { port: e.OC_MQTT_TLS_PORT, certFile: resolve(e.OC_MQTT_TLS_CERT), keyFile: resolve(e.OC_MQTT_TLS_KEY) } : undefined,
    },
    eventLog:
      e.OC_EVENT_LOG === 'kafka'
        ? { kind: 'kafka', brokers: e.OC_KAFKA_BROKERS!.split(',') }
        : { kind: 'embedded', path: resolve(dataDir, 'events.db'), synchronous: e.OC_LOG_SYNC },
    credentialsFile: resolve(dataDir, 'device-credentials.json'),
    http: { host: e.OC_HTTP_HOST, port: e.OC_HTTP_PORT },
    alerting: { storePath: resolve(dataDir, 'alerting.db'), rosterFile: e.OC_ROSTER_FILE && resolve(e.OC_ROSTER_FILE), rulesFile: e.OC_RULES_FILE && resolve(e.OC_RULES_FILE), ticketPolicyFile: e.OC_TICKET_POLICY_FILE && resolve(e.OC_TICKET_POLICY_FILE), tickIntervalMs: e.OC_ALERTING_TICK_MS, groupId: e.OC_ALERTING_GROUP, startAt: e.OC_ALERTING_START, alertRetentionDays: e.OC_ALERT_RETENTION_DAYS },
    simulator: {
      enabled: e.OC_SIMULATE.enabled,
      mode: e.OC_SIMULATE.mode,
      scenarioFile: e.OC_SIM_SCENARIO && resolve(e.OC_SIM_SCENARIO),
      speed: e.OC_SIM_SPEED,
      secretsFile: resolve(dataDir, 'simulator', 'device-secrets.json'),
      outboxFile: resolve(dataDir, 'simulator', 'outbox.db'),
    },
    gateway: { maxPayloadBytes: e.OC_MAX_PAYLOAD_BYTES, maxConnections: e.OC_MQTT_MAX_CONNECTIONS, maxConnectionsPerAddress: e.OC_MQTT_MAX_CONNECTIONS_PER_ADDRESS },
    api: {
      usersFile: e.OC_USERS_FILE && resolve(e.OC_USERS_FILE),
      session: { idleMs: e.OC_SESSION_IDLE_HOURS * 3_600_000, maxAgeMs: e.OC_SESSION_MAX_HOURS * 3_600_000 },
      secureCookie: e.OC_COOKIE_SECURE,
      reports: { retentionDays: e.OC_REPORT_RETENTION_DAYS },
    },
  };
}
