/**
 * The windowed queries of the port, twice: from raw points and from one tier of rollups.
 * Both compute the same numbers the same way (sums of thousandths, ties broken by series)
 * so that which one answers changes how many rows are read, never the answer;
 * tests/unit/timeseries/rollup-equivalence.test.ts holds them to that on random data.
 */
import type { Database } from 'better-sqlite3';
import type { CountWindow, DeviceUptime, LevelWindow, TimeRange } from '../port.ts';
import { meanFromMilli, milliSql, type RollupTier } from './rollup-spec.ts';

export interface WindowSource {
  /** Windows with readings only. */
  drainLevel(deviceId: string, aligned: TimeRange, everyMs: number): LevelWindow[];
  deviceUptime(aligned: TimeRange, everyMs: number, deviceIds: readonly string[] | undefined): DeviceUptime[];
  /** Windows with events only; the caller fills in the zeros. */
  eventCounts(aligned: TimeRange, everyMs: number, tags: readonly [string, string][]): CountWindow[];
}

interface LevelRow {
  time: number;
  count: number;
  sumMilli: number;
  maxMm: number;
}

const toLevelWindow = (r: LevelRow): LevelWindow => ({ time: r.time, meanMm: meanFromMilli(r.sumMilli, r.count), maxMm: r.maxMm });

/**
 * Per device from heartbeat rows (device, series, bucket = query window, t, n, uptime):
 * its newest by time, nanos, then series (two series of one device can share a time),
 * and in how many windows it reported.
 */
const uptimeOf = (heartbeats: string): string => `
  WITH hb AS (${heartbeats}),
  ranked AS (SELECT hb.*, ROW_NUMBER() OVER (PARTITION BY device ORDER BY t DESC, n DESC, series DESC) AS newest FROM hb)
  SELECT device AS deviceId, MAX(t) AS lastHeartbeatAt, MAX(CASE WHEN newest = 1 THEN uptime END) AS uptimeS, COUNT(DISTINCT bucket) AS windowsReporting
  FROM ranked GROUP BY device ORDER BY device`;

const onlyDevices = (column: string) => `(:devices IS NULL OR ${column} IN (SELECT value FROM json_each(:devices)))`;
const devicesParam = (deviceIds: readonly string[] | undefined) => (deviceIds === undefined ? null : JSON.stringify(deviceIds));

/** A JSON path for a tag or field name: quoted, so no name can escape into the path syntax. */
export const jsonPath = (key: string): string => `$.${JSON.stringify(key)}`;
/** Tag equality filters (checkTagFilter's entries) on a JSON tags column, and their parameters in order. */
export const tagConditions = (column: string, tags: readonly [string, string][]) => tags.map(() => ` AND json_extract(${column}, ?) = ?`).join('');
export const tagParams = (tags: readonly [string, string][]) => tags.flatMap(([k, v]) => [jsonPath(k), v]);

/** Answers from the raw points: any window size, as far back as the raw retention. */
export class RawWindows implements WindowSource {
  constructor(private readonly db: Database) {}

  drainLevel(deviceId: string, aligned: TimeRange, everyMs: number): LevelWindow[] {
    const rows = this.db
      .prepare(
        `SELECT time_ms - time_ms % :every AS time, COUNT(v) AS count, SUM(${milliSql('v')}) AS sumMilli, MAX(v) AS maxMm
         FROM (SELECT time_ms, json_extract(fields, '$.level_mm') AS v FROM points
               WHERE measurement = 'drain_level' AND device = :device AND time_ms >= :start AND time_ms < :stop)
         WHERE v IS NOT NULL
         GROUP BY 1 ORDER BY 1`,
      )
      .all({ every: everyMs, device: deviceId, start: aligned.start, stop: aligned.stop }) as LevelRow[];
    return rows.map(toLevelWindow);
  }

  deviceUptime(aligned: TimeRange, everyMs: number, deviceIds: readonly string[] | undefined): DeviceUptime[] {
    const heartbeats = `
      SELECT device, series, time_ms - time_ms % :every AS bucket, time_ms AS t, nanos AS n, json_extract(fields, '$.uptime_s') AS uptime
      FROM points
      WHERE measurement = 'device_heartbeat' AND time_ms >= :start AND time_ms < :stop AND ${onlyDevices('device')}`;
    return this.db.prepare(uptimeOf(heartbeats)).all({ every: everyMs, start: aligned.start, stop: aligned.stop, devices: devicesParam(deviceIds) }) as DeviceUptime[];
  }

  eventCounts(aligned: TimeRange, everyMs: number, tags: readonly [string, string][]): CountWindow[] {
    return this.db
      .prepare(
        `SELECT time_ms - time_ms % ? AS time, COUNT(*) AS count FROM points
         WHERE measurement = 'device_event' AND time_ms >= ? AND time_ms < ?${tagConditions('tags', tags)}
         GROUP BY 1 ORDER BY 1`,
      )
      .all(everyMs, aligned.start, aligned.stop, ...tagParams(tags)) as CountWindow[];
  }
}

/** Answers from one tier of rollups: windows that are whole multiples of the tier's, as far back as its retention. */
export class RollupWindows implements WindowSource {
  constructor(
    private readonly db: Database,
    private readonly tier: RollupTier,
  ) {}

  drainLevel(deviceId: string, aligned: TimeRange, everyMs: number): LevelWindow[] {
    // CROSS JOIN keeps SQLite to this order: the device's few series, then their windows
    // by identity index, never every drain's windows of the range by time.
    const rows = this.db
      .prepare(
        `SELECT f.start_ms - f.start_ms % :every AS time, SUM(f.count) AS count, SUM(f.sum_milli) AS sumMilli, MAX(f.max_value) AS maxMm
         FROM rollup_series AS s CROSS JOIN rollup_fields AS f ON f.series_id = s.id
         WHERE s.measurement = 'drain_level' AND s.device = :device
           AND f.window_ms = :tier AND f.field = 'level_mm' AND f.start_ms >= :start AND f.start_ms < :stop
         GROUP BY 1 ORDER BY 1`,
      )
      .all({ every: everyMs, device: deviceId, tier: this.tier.windowMs, start: aligned.start, stop: aligned.stop }) as LevelRow[];
    return rows.map(toLevelWindow);
  }

  deviceUptime(aligned: TimeRange, everyMs: number, deviceIds: readonly string[] | undefined): DeviceUptime[] {
    // A window's newest heartbeat stands for the window: the newest of those is the device's newest.
    const heartbeats = `
      SELECT s.device, s.series, r.start_ms - r.start_ms % :every AS bucket, r.last_ms AS t, r.last_nanos AS n, json_extract(r.last_fields, '$.uptime_s') AS uptime
      FROM rollup_series AS s JOIN rollup_windows AS r ON r.series_id = s.id
      WHERE s.measurement = 'device_heartbeat' AND r.window_ms = :tier AND r.start_ms >= :start AND r.start_ms < :stop AND ${onlyDevices('s.device')}`;
    return this.db
      .prepare(uptimeOf(heartbeats))
      .all({ every: everyMs, tier: this.tier.windowMs, start: aligned.start, stop: aligned.stop, devices: devicesParam(deviceIds) }) as DeviceUptime[];
  }

  eventCounts(aligned: TimeRange, everyMs: number, tags: readonly [string, string][]): CountWindow[] {
    return this.db
      .prepare(
        `SELECT r.start_ms - r.start_ms % ? AS time, SUM(r.points) AS count
         FROM rollup_series AS s JOIN rollup_windows AS r ON r.series_id = s.id
         WHERE s.measurement = 'device_event' AND r.window_ms = ? AND r.start_ms >= ? AND r.start_ms < ?${tagConditions('s.tags', tags)}
         GROUP BY 1 ORDER BY 1`,
      )
      .all(everyMs, this.tier.windowMs, aligned.start, aligned.stop, ...tagParams(tags)) as CountWindow[];
  }
}
