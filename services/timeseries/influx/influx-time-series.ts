import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import { InfluxDB, setLogger, type ParameterizedQuery, type QueryApi, type WriteApi } from '@influxdata/influxdb-client';
import { OcError } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import { assertPointsFit, comparePoints } from '../measurements.ts';
import type {
  CountWindow,
  DeviceUptime,
  EventCountQuery,
  LevelQuery,
  LevelWindow,
  Point,
  PointQuery,
  TimeSeriesStore,
  UptimeQuery,
} from '../port.ts';
import { alignedWindows, checkRange, checkTagFilter, denseCounts } from '../windows.ts';
import { drainLevelQuery, eventCountQuery, pointsQuery, uptimeQuery } from './flux-queries.ts';
import { queryError, writeError } from './influx-errors.ts';
import { parseFluxTime, pointFromRow, toLinePoint } from './line-points.ts';

export interface InfluxTimeSeriesOptions {
  url: string;
  token: string;
  org: string;
  bucket: string;
  /** Per HTTP request (default 10 000 ms): a hung server counts as down after this. */
  timeoutMs?: number;
  /** Write bodies larger than this are gzipped (default 1000 bytes, the client's default). */
  gzipThresholdBytes?: number;
  /** Points per HTTP write request (default 1000); a larger write sends several at once. */
  maxPointsPerRequest?: number;
  logger?: Logger;
}

/**
 * The InfluxDB 2.x adapter (@influxdata/influxdb-client). Writes go through the client's
 * WriteApi for line protocol and gzip, but with its own retrying switched off
 * (maxRetries 0): the client's retry buffer gives up after maxRetryTime or maxBufferLines
 * and drops the points, while the port promises an answer per call, so a caller that
 * must not lose points (the telemetry writer) retries with its own back-off.
 */
export class InfluxTimeSeries implements TimeSeriesStore {
  private readonly writeApi: WriteApi;
  private readonly queryApi: QueryApi;
  private readonly agent: HttpAgent;
  private readonly maxPerRequest: number;
  /** Writes run one at a time, so a flush carries only its own caller's points. */
  private writing: Promise<unknown> = Promise.resolve();
  private closed = false;

  constructor(private readonly options: InfluxTimeSeriesOptions) {
    const logger = (options.logger ?? createLogger('timeseries')).child({ component: 'influx-time-series' });
    // The client logs every failed write itself; the port reports failures to its caller instead.
    setLogger({ error: (message, err) => logger.debug({ err }, message), warn: (message, err) => logger.debug({ err }, message) });
    this.maxPerRequest = options.maxPointsPerRequest ?? 1_000;
    this.agent = options.url.startsWith('https:') ? new HttpsAgent({ keepAlive: true }) : new HttpAgent({ keepAlive: true });
    const influx = new InfluxDB({ url: options.url, token: options.token, timeout: options.timeoutMs ?? 10_000, transportOptions: { agent: this.agent } });
    this.writeApi = influx.getWriteApi(options.org, options.bucket, 'ns', {
      // One more than a request holds: the buffer then never sends on its own, whose
      // failures the client would swallow. Every send is one awaited flush().
      batchSize: this.maxPerRequest + 1,
      maxBatchBytes: Number.MAX_SAFE_INTEGER,
      flushInterval: 0,
      maxRetries: 0,
      gzipThreshold: options.gzipThresholdBytes ?? 1_000,
    });
    this.queryApi = influx.getQueryApi(options.org);
  }

  write(points: readonly Point[]): Promise<void> {
    if (this.closed) return Promise.reject(new OcError('OC_TIMESERIES_CLOSED'));
    const run = this.writing.then(() => this.send(points));
    this.writing = run.catch(() => undefined);
    return run;
  }

  async readPoints(query: PointQuery): Promise<Point[]> {
    checkRange(query.range);
    const filters = checkTagFilter(query.measurement, query.tags);
    const rows = await this.rows(pointsQuery(this.options.bucket, query.measurement, query.range, filters), 'read points');
    return rows.map(pointFromRow).sort(comparePoints);
  }

  async drainLevel(query: LevelQuery): Promise<LevelWindow[]> {
    const aligned = alignedWindows(query);
    const rows = await this.rows(drainLevelQuery(this.options.bucket, query.deviceId, aligned, query.everyMs), 'drain level');
    const windows = new Map<number, LevelWindow>();
    for (const row of rows) {
      const time = parseFluxTime(String(row._time)).timeMs;
      const w = windows.get(time) ?? { time, meanMm: Number.NaN, maxMm: Number.NaN };
      if (row.result === 'mean') w.meanMm = Number(row._value);
      else w.maxMm = Number(row._value);
      windows.set(time, w);
    }
    return [...windows.values()].sort((a, b) => a.time - b.time);
  }

  async deviceUptime(query: UptimeQuery): Promise<DeviceUptime[]> {
    const aligned = alignedWindows(query);
    if (query.deviceIds?.length === 0) return [];
    const rows = await this.rows(uptimeQuery(this.options.bucket, aligned, query.everyMs, query.deviceIds), 'device uptime');
    const byDevice = new Map<string, DeviceUptime>();
    for (const row of rows) {
      const deviceId = String(row.device);
      const u = byDevice.get(deviceId) ?? { deviceId, lastHeartbeatAt: 0, uptimeS: 0, windowsReporting: 0 };
      if (row.result === 'windows') u.windowsReporting = Number(row._value);
      else {
        u.lastHeartbeatAt = parseFluxTime(String(row._time)).timeMs;
        u.uptimeS = Number(row._value);
      }
      byDevice.set(deviceId, u);
    }
    return [...byDevice.values()].sort((a, b) => (a.deviceId < b.deviceId ? -1 : a.deviceId > b.deviceId ? 1 : 0));
  }

  async eventCounts(query: EventCountQuery): Promise<CountWindow[]> {
    const aligned = alignedWindows(query);
    const filters = checkTagFilter('device_event', query.tags);
    const rows = await this.rows(eventCountQuery(this.options.bucket, aligned, query.everyMs, filters), 'event counts');
    const found = rows.map((row) => ({ time: parseFluxTime(String(row._time)).timeMs, count: Number(row._value) }));
    return denseCounts(aligned, query.everyMs, found);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.writing;
    await this.writeApi.close().catch(() => undefined);
    this.agent.destroy();
  }

  private async send(points: readonly Point[]): Promise<void> {
    assertPointsFit(points);
    // All requests of one call in flight together (InfluxDB ingests them on several cores);
    // flush() takes the buffer before its first await, so each request carries its own chunk.
    const requests: Promise<void>[] = [];
    for (let i = 0; i < points.length; i += this.maxPerRequest) {
      this.writeApi.writePoints(points.slice(i, i + this.maxPerRequest).map(toLinePoint));
      requests.push(this.writeApi.flush());
    }
    const failures = (await Promise.allSettled(requests)).flatMap((r) => (r.status === 'rejected' ? [writeError(r.reason, `write of ${points.length} points`)] : []));
    // Refused points outrank an outage: splitting the call is what helps then.
    if (failures.length > 0) throw failures.find((f) => f.code === 'OC_TIMESERIES_REJECTED') ?? failures[0]!;
  }

  private async rows(query: ParameterizedQuery, what: string): Promise<Record<string, unknown>[]> {
    if (this.closed) throw new OcError('OC_TIMESERIES_CLOSED');
    try {
      return await this.queryApi.collectRows<Record<string, unknown>>(query);
    } catch (err) {
      throw queryError(err, what);
    }
  }
}
