import { resolve } from 'node:path';
import { parseEnvSettings } from '../shared/env-settings.ts';
import { z } from 'zod';
import { DEFAULT_CLOCK_SKEW, type ClockSkewLimits } from '../shared/clock-skew.ts';
import { TELEMETRY_WRITER_GROUP } from './telemetry-writer.ts';

const DAY_MS = 86_400_000;

/**
 * The time-series settings, by environment variable, checked the way
 * services/config/service-config.ts checks the rest: at start, every bad key named.
 */
const envShape = {
  OC_TIMESERIES: z.enum(['embedded', 'influxdb']).default('embedded'),
  OC_INFLUX_URL: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL such as http://127.0.0.1:8086' }).optional(),
  OC_INFLUX_ORG: z.string().min(1).optional(),
  OC_INFLUX_BUCKET: z.string().min(1).optional(),
  OC_INFLUX_TOKEN: z.string().min(1).optional(),
  OC_TIMESERIES_RETENTION_DAYS: z.coerce.number().positive().max(36_500).default(30),
  // The embedded store's rollups (services/timeseries/sqlite/rollup-spec.ts), kept longer than raw points.
  OC_TIMESERIES_ROLLUP_5M_DAYS: z.coerce.number().positive().max(36_500).default(90),
  OC_TIMESERIES_ROLLUP_1H_DAYS: z.coerce.number().positive().max(36_500).default(730),
  OC_TELEMETRY_GROUP: z.string().regex(/^[A-Za-z0-9._-]{1,200}$/, 'must be a consumer group name').default(TELEMETRY_WRITER_GROUP),
  OC_TELEMETRY_START: z.enum(['beginning', 'end']).default('beginning'),
  // Device clocks further off than this are not believed (services/shared/clock-skew.ts).
  OC_CLOCK_SKEW_FUTURE_S: z.coerce.number().positive().default(DEFAULT_CLOCK_SKEW.futureMs / 1000),
  OC_CLOCK_SKEW_PAST_S: z.coerce.number().positive().default(DEFAULT_CLOCK_SKEW.pastMs / 1000),
};

const INFLUX_KEYS = ['OC_INFLUX_URL', 'OC_INFLUX_ORG', 'OC_INFLUX_BUCKET', 'OC_INFLUX_TOKEN'] as const;
/** Never echoed back in an error message. */
const SECRET_KEYS = new Set(['OC_INFLUX_TOKEN']);

const envSchema = z.object(envShape).superRefine((e, ctx) => {
  if (e.OC_TIMESERIES !== 'influxdb') return;
  for (const key of INFLUX_KEYS) {
    if (e[key] === undefined) ctx.addIssue({ code: 'custom', path: [key], message: 'is required when OC_TIMESERIES=influxdb' });
  }
});

export type TimeSeriesConfig =
  | {
      kind: 'embedded';
      path: string;
      /** Raw points. */
      retentionMs: number;
      /** Rollup windows per tier; absent: kept for ever. */
      rollupRetentionMs?: { '5m': number; '1h': number };
    }
  | { kind: 'influxdb'; url: string; org: string; bucket: string; token: string };

export interface TelemetryConfig {
  store: TimeSeriesConfig;
  groupId: string;
  startAt: 'beginning' | 'end';
  /** Beyond this a device timestamp is flagged (device health) and replaced by the receive time (points). */
  clockSkew?: ClockSkewLimits;
}

/** Validates the time-series variables; the embedded file lives in `dataDir`. */
export function loadTelemetryConfig(dataDir: string, env: NodeJS.ProcessEnv = process.env): TelemetryConfig {
  const e = parseEnvSettings(envSchema, Object.keys(envShape), SECRET_KEYS, env);
  const store: TimeSeriesConfig =
    e.OC_TIMESERIES === 'influxdb'
      ? { kind: 'influxdb', url: e.OC_INFLUX_URL!, org: e.OC_INFLUX_ORG!, bucket: e.OC_INFLUX_BUCKET!, token: e.OC_INFLUX_TOKEN! }
      : {
          kind: 'embedded',
          path: resolve(dataDir, 'timeseries.db'),
          retentionMs: e.OC_TIMESERIES_RETENTION_DAYS * DAY_MS,
          rollupRetentionMs: { '5m': e.OC_TIMESERIES_ROLLUP_5M_DAYS * DAY_MS, '1h': e.OC_TIMESERIES_ROLLUP_1H_DAYS * DAY_MS },
        };
  return { store, groupId: e.OC_TELEMETRY_GROUP, startAt: e.OC_TELEMETRY_START, clockSkew: { futureMs: e.OC_CLOCK_SKEW_FUTURE_S * 1000, pastMs: e.OC_CLOCK_SKEW_PAST_S * 1000 } };
}
