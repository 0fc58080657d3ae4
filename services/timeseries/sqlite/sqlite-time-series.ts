import Database from 'better-sqlite3';
import { systemClock, type Clock } from '../../shared/clock.ts';
import { OcError } from '../../shared/errors.ts';
import { createLogger, type Logger } from '../../shared/logger.ts';
import { assertPointsFit, comparePoints, seriesKey } from '../measurements.ts';
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
import { PointRetention } from './retention.ts';
import { migrate } from './schema.ts';

export interface SqliteTimeSeriesOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** FULL (default): an accepted write survives power loss. NORMAL: a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Points older than this (by their time) are deleted; undefined keeps them for ever. */
  retentionMs?: number;
  /** How often expired points are deleted (default 10 minutes). */
  retentionSweepIntervalMs?: number;
  busyTimeoutMs?: number;
  clock?: Clock;
  logger?: Logger;
}

interface PointRow {
  measurement: string;
  time_ms: number;
  nanos: number;
  tags: string;
  fields: string;
}

/** SQLite result codes that mean "try again later", not "these points are wrong". */
const TRANSIENT_SQLITE = /^SQLITE_(BUSY|LOCKED|IOERR|FULL|CANTOPEN|READONLY|PROTOCOL)/;

/**
 * The embedded time-series store: points in one SQLite file (WAL), InfluxDB semantics
 * for identity and overwrite, retention by a sweeper, and the duty desk's queries in SQL
 * with the same windows as the Flux ones (windows.ts), downsampled for charts.
 */
export class SqliteTimeSeries implements TimeSeriesStore {
  private closed = false;
  private readonly upsert: Database.Statement;
  private readonly writeAll: Database.Transaction<(points: readonly Point[]) => void>;
  private readonly retention: PointRetention | undefined;

  private constructor(
    private readonly db: Database.Database,
    clock: Clock,
    logger: Logger,
    retentionMs: number | undefined,
    sweepIntervalMs: number,
  ) {
    // Fields merge like InfluxDB's: a field written again takes the new value, others stay.
    this.upsert = db.prepare(`
      INSERT INTO points (measurement, series, device, time_ms, nanos, tags, fields) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (measurement, series, time_ms, nanos) DO UPDATE SET fields = json_patch(points.fields, excluded.fields)`);
    this.writeAll = db.transaction((points: readonly Point[]) => {
      for (const p of points) {
        // Ticket points need not name a device (a compound's mass outage); '' keeps the column NOT NULL.
        this.upsert.run(p.measurement, seriesKey(p), p.tags.device ?? '', p.timeMs, p.nanos, JSON.stringify(p.tags), JSON.stringify(p.fields));
      }
    });
    this.retention = retentionMs === undefined ? undefined : new PointRetention(db, retentionMs, clock, logger, sweepIntervalMs);
  }

  static open(options: SqliteTimeSeriesOptions): SqliteTimeSeries {
    if (options.retentionMs !== undefined && !(Number.isFinite(options.retentionMs) && options.retentionMs > 0)) {
      throw new OcError('OC_CONFIG_INVALID', `retentionMs must be a positive number, got ${options.retentionMs}`);
    }
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    const db = new Database(options.path, { timeout: busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      migrate(db);
      const logger = (options.logger ?? createLogger('timeseries')).child({ component: 'sqlite-time-series' });
      return new SqliteTimeSeries(db, options.clock ?? systemClock, logger, options.retentionMs, options.retentionSweepIntervalMs ?? 600_000);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async write(points: readonly Point[]): Promise<void> {
    this.assertOpen();
    assertPointsFit(points);
    if (points.length === 0) return;
    try {
      this.writeAll.immediate(points);
    } catch (err) {
      const code = (err as { code?: unknown }).code;
      if (typeof code === 'string' && TRANSIENT_SQLITE.test(code)) throw new OcError('OC_TIMESERIES_UNAVAILABLE', `${code}: ${(err as Error).message}`, { cause: code }, { cause: err });
      throw new OcError('OC_TIMESERIES_REJECTED', (err as Error).message, undefined, { cause: err });
    }
  }

  async readPoints(query: PointQuery): Promise<Point[]> {
    this.assertOpen();
    checkRange(query.range);
    const filters = checkTagFilter(query.measurement, query.tags);
    const where = filters.map(() => ' AND json_extract(tags, ?) = ?').join('');
    const rows = this.db
      .prepare(`SELECT measurement, time_ms, nanos, tags, fields FROM points WHERE measurement = ? AND time_ms >= ? AND time_ms < ?${where}`)
      .all(query.measurement, query.range.start, query.range.stop, ...filters.flatMap(([k, v]) => [jsonPath(k), v])) as PointRow[];
    return rows
      .map((r) => ({ measurement: r.measurement, tags: JSON.parse(r.tags) as Point['tags'], fields: JSON.parse(r.fields) as Point['fields'], timeMs: r.time_ms, nanos: r.nanos }))
      .sort(comparePoints);
  }

  async drainLevel(query: LevelQuery): Promise<LevelWindow[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    const rows = this.db
      .prepare(
        `SELECT time_ms - time_ms % :every AS time,
                AVG(json_extract(fields, '$.level_mm')) AS meanMm,
                MAX(json_extract(fields, '$.level_mm')) AS maxMm
         FROM points
         WHERE measurement = 'drain_level' AND device = :device AND time_ms >= :start AND time_ms < :stop
         GROUP BY 1 ORDER BY 1`,
      )
      .all({ every: query.everyMs, device: query.deviceId, start: aligned.start, stop: aligned.stop }) as LevelWindow[];
    return rows;
  }

  async deviceUptime(query: UptimeQuery): Promise<DeviceUptime[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    const devices = query.deviceIds === undefined ? null : JSON.stringify(query.deviceIds);
    const rows = this.db
      .prepare(
        `WITH hb AS (
           SELECT device, time_ms, nanos, json_extract(fields, '$.uptime_s') AS uptime_s
           FROM points
           WHERE measurement = 'device_heartbeat' AND time_ms >= :start AND time_ms < :stop
             AND (:devices IS NULL OR device IN (SELECT value FROM json_each(:devices)))
         )
         SELECT device AS deviceId,
                MAX(time_ms) AS lastHeartbeatAt,
                (SELECT l.uptime_s FROM hb AS l WHERE l.device = hb.device ORDER BY l.time_ms DESC, l.nanos DESC LIMIT 1) AS uptimeS,
                COUNT(DISTINCT time_ms - time_ms % :every) AS windowsReporting
         FROM hb GROUP BY device ORDER BY device`,
      )
      .all({ start: aligned.start, stop: aligned.stop, every: query.everyMs, devices }) as DeviceUptime[];
    return rows;
  }

  async eventCounts(query: EventCountQuery): Promise<CountWindow[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    const filters = checkTagFilter('device_event', query.tags);
    const where = filters.map(() => ' AND json_extract(tags, ?) = ?').join('');
    const rows = this.db
      .prepare(
        `SELECT time_ms - time_ms % ? AS time, COUNT(*) AS count FROM points
         WHERE measurement = 'device_event' AND time_ms >= ? AND time_ms < ?${where}
         GROUP BY 1 ORDER BY 1`,
      )
      .all(query.everyMs, aligned.start, aligned.stop, ...filters.flatMap(([k, v]) => [jsonPath(k), v])) as CountWindow[];
    return denseCounts(aligned, query.everyMs, rows);
  }

  /** Deletes expired points now (the sweeper does it on its interval); resolves with how many. */
  sweepExpired(): Promise<number> {
    return this.retention?.sweep() ?? Promise.resolve(0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.retention?.stop();
    this.db.close();
  }

  private assertOpen(): void {
    if (this.closed) throw new OcError('OC_TIMESERIES_CLOSED');
  }
}

/** A JSON path for a tag name: quoted, so no name can escape into the path syntax. */
const jsonPath = (key: string): string => `$.${JSON.stringify(key)}`;
