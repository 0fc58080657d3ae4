import { resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { isOcError } from '../../../services/shared/errors.ts';
import { loadTelemetryConfig } from '../../../services/telemetry/config.ts';

const influx = { OC_TIMESERIES: 'influxdb', OC_INFLUX_URL: 'http://127.0.0.1:18086', OC_INFLUX_ORG: 'opencompound', OC_INFLUX_BUCKET: 'telemetry', OC_INFLUX_TOKEN: 's3cret-token' };

function failure(env: NodeJS.ProcessEnv) {
  try {
    loadTelemetryConfig('data', env);
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) return { message: err.message, keys: err.details?.keys as string[] };
    throw err;
  }
  throw new Error('expected OC_CONFIG_INVALID');
}

describe('loadTelemetryConfig', () => {
  it('defaults to the embedded store in the data dir, raw points kept 30 days, rollups 90 days and 2 years, read from the beginning', () => {
    expect(loadTelemetryConfig('/srv/oc', {})).toEqual({
      store: { kind: 'embedded', path: resolve('/srv/oc', 'timeseries.db'), retentionMs: 30 * 86_400_000, rollupRetentionMs: { '5m': 90 * 86_400_000, '1h': 730 * 86_400_000 } },
      groupId: 'oc.telemetry-writer',
      startAt: 'beginning',
      clockSkew: { futureMs: 600_000, pastMs: 7 * 86_400_000 },
    });
    expect(loadTelemetryConfig('d', { OC_CLOCK_SKEW_FUTURE_S: '30', OC_CLOCK_SKEW_PAST_S: '3600' }).clockSkew).toEqual({ futureMs: 30_000, pastMs: 3_600_000 });
    expect(loadTelemetryConfig('d', { OC_TIMESERIES_RETENTION_DAYS: '7', OC_TELEMETRY_START: 'end' })).toMatchObject({ store: { retentionMs: 7 * 86_400_000 }, startAt: 'end' });
    expect(loadTelemetryConfig('d', { OC_TIMESERIES_ROLLUP_5M_DAYS: '14', OC_TIMESERIES_ROLLUP_1H_DAYS: '3650' }).store).toMatchObject({ rollupRetentionMs: { '5m': 14 * 86_400_000, '1h': 3650 * 86_400_000 } });
  });

  it('takes InfluxDB settings when OC_TIMESERIES=influxdb', () => {
    expect(loadTelemetryConfig('data', influx).store).toEqual({ kind: 'influxdb', url: influx.OC_INFLUX_URL, org: 'opencompound', bucket: 'telemetry', token: 's3cret-token' });
  });

  it('names every missing InfluxDB setting', () => {
    const { keys, message } = failure({ OC_TIMESERIES: 'influxdb', OC_INFLUX_URL: influx.OC_INFLUX_URL });
    expect(keys).toEqual(['OC_INFLUX_ORG', 'OC_INFLUX_BUCKET', 'OC_INFLUX_TOKEN']);
    expect(message).toContain('OC_INFLUX_TOKEN=undefined: is required when OC_TIMESERIES=influxdb');
  });

  it('names the bad key and its value, but never echoes the token', () => {
    expect(failure({ ...influx, OC_INFLUX_URL: 'influx:8086' })).toMatchObject({ keys: ['OC_INFLUX_URL'], message: expect.stringContaining('OC_INFLUX_URL="influx:8086"') as string });
    expect(failure({ OC_TIMESERIES: 'influx' }).keys).toEqual(['OC_TIMESERIES']);
    expect(failure({ OC_TIMESERIES_RETENTION_DAYS: 'forever' }).keys).toEqual(['OC_TIMESERIES_RETENTION_DAYS']);
    expect(failure({ OC_TIMESERIES_ROLLUP_5M_DAYS: '0' })).toMatchObject({ keys: ['OC_TIMESERIES_ROLLUP_5M_DAYS'], message: expect.stringContaining('OC_TIMESERIES_ROLLUP_5M_DAYS="0"') as string });
    expect(failure({ OC_TIMESERIES_ROLLUP_1H_DAYS: 'two years', OC_TIMESERIES_ROLLUP_5M_DAYS: '90' }).keys).toEqual(['OC_TIMESERIES_ROLLUP_1H_DAYS']);
    const secret = failure({ ...influx, OC_INFLUX_TOKEN: ' ', OC_INFLUX_URL: 'nope' });
    expect(secret.message).not.toContain('s3cret');
    const hidden = failure({ ...influx, OC_TELEMETRY_GROUP: 'bad group!' });
    expect(hidden.keys).toEqual(['OC_TELEMETRY_GROUP']);
    expect(hidden.message).not.toContain('s3cret-token');
  });
});
