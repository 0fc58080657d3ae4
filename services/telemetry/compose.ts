import type { RuleSettingsOverrides } from '../alerting/domain/rules/settings.ts';
import type { ConsumerHealth } from '../event-log/guard/consumer-health.ts';
import type { EventLog } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { PlacedDevice } from '../site/devices.ts';
import { InfluxTimeSeries } from '../timeseries/influx/influx-time-series.ts';
import type { TimeSeriesStore } from '../timeseries/port.ts';
import { SqliteTimeSeries } from '../timeseries/sqlite/sqlite-time-series.ts';
import type { BackoffSettings } from './backoff.ts';
import type { TelemetryConfig, TimeSeriesConfig } from './config.ts';
import { createSeriesContext, type SeriesContext } from './series-context.ts';
import { TelemetryWriter } from './telemetry-writer.ts';

/**
 * The store the config asks for: choosing InfluxDB is configuration only. `readOnly` is
 * for a process that only answers queries next to the writer's: it leaves the embedded
 * file's retention sweeps to the writer (and knows the retentions, to pick the same tables).
 */
function openTimeSeries(config: TimeSeriesConfig, logger: Logger, options: { readOnly?: boolean } = {}): TimeSeriesStore {
  return config.kind === 'influxdb'
    ? new InfluxTimeSeries({ url: config.url, token: config.token, org: config.org, bucket: config.bucket, logger })
    : SqliteTimeSeries.open({
        path: config.path,
        retentionMs: config.retentionMs,
        ...(config.rollupRetentionMs ? { rollupRetentionMs: config.rollupRetentionMs } : {}),
        sweep: !options.readOnly,
        logger,
      });
}

export interface SeriesReader {
  series: SeriesContext;
  close(): Promise<void>;
}

/**
 * The API's charts for a process that does not run the writer (`npm run alerting` next to
 * `npm run telemetry`): the same store, asked only.
 */
export function openSeriesReader(config: TimeSeriesConfig, devices: readonly PlacedDevice[], logger: Logger, ruleOverrides?: RuleSettingsOverrides): SeriesReader {
  const store = openTimeSeries(config, logger, { readOnly: true });
  return { series: createSeriesContext(store, devices, ruleOverrides), close: () => store.close() };
}

export interface TelemetrySetup {
  log: EventLog;
  devices: readonly PlacedDevice[];
  config: TelemetryConfig;
  logger: Logger;
  /** The alerting rule settings, for the thresholds drawn on drain charts. */
  ruleOverrides?: RuleSettingsOverrides;
  backoff?: BackoffSettings;
  /** The process's consumer registry (stuck consumers: monitor line, /health, IoT ticket). */
  health?: ConsumerHealth | undefined;
  clock?: Clock;
}

export interface Telemetry {
  store: TimeSeriesStore;
  writer: TelemetryWriter;
  /** For the API's series routes (ApiContext.series). */
  series: SeriesContext;
  /** Stops the writer (its batch in hand commits or is left for the next start), then closes the store. */
  close(): Promise<void>;
}

/** Config to adapters for the telemetry writer; shared by `npm start`, `npm run telemetry` and the tests. */
export async function createTelemetry(s: TelemetrySetup): Promise<Telemetry> {
  const store = openTimeSeries(s.config.store, s.logger);
  let writer: TelemetryWriter;
  try {
    writer = await TelemetryWriter.start({ log: s.log, store, devices: s.devices, logger: s.logger, groupId: s.config.groupId, startAt: s.config.startAt, ...(s.backoff ? { backoff: s.backoff } : {}), health: s.health, ...(s.clock ? { clock: s.clock } : {}), ...(s.config.clockSkew ? { clockSkew: s.config.clockSkew } : {}) });
  } catch (err) {
    await store.close();
    throw err;
  }
  s.logger.info(s.config.store.kind === 'influxdb' ? { influx: s.config.store.url, bucket: s.config.store.bucket } : { file: s.config.store.path }, 'time-series store');
  let closed: Promise<void> | undefined;
  return {
    store,
    writer,
    series: createSeriesContext(store, s.devices, s.ruleOverrides),
    close: () =>
      (closed ??= (async () => {
        await writer.close();
        await store.close();
      })()),
  };
}
