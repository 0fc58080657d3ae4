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
  TimeRange,
  TimeSeriesStore,
  UptimeQuery,
} from '../port.ts';
import { alignedWindows, checkRange, checkTagFilter, denseCounts } from '../windows.ts';
import { RawPoints } from './raw-points.ts';
import { Retention, type StoreRetention } from './retention.ts';
import { assertRollupsFit, ROLLUP_TIERS, type TierName } from './rollup-spec.ts';
import { RollupMaintenance } from './rollups.ts';
import { migrate } from './schema.ts';
import { chooseSource, type Source, type SourceCandidate } from './source-choice.ts';
import { RawWindows, RollupWindows, tagConditions, tagParams, type WindowSource } from './window-sources.ts';

export interface SqliteTimeSeriesOptions {
  /** Database file, or ':memory:'. */
  path: string;
  /** FULL (default): an accepted write survives power loss. NORMAL: a process crash only. */
  synchronous?: 'FULL' | 'NORMAL';
  /** Points older than this (by their time) are deleted; undefined keeps them for ever. */
  retentionMs?: number;
  /** Rollup windows of each tier older than this are deleted; undefined keeps them for ever. */
  rollupRetentionMs?: Partial<Record<TierName, number>>;
  /**
   * Whether this connection deletes what the retentions let go (default true). A process
   * that only answers queries beside the writer's gives the same retentions, so that it
   * picks the same tables to answer from, and leaves the deleting to the writer.
   */
  sweep?: boolean;
  /** How often expired rows are deleted (default 10 minutes). */
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
 * with the same windows as the Flux ones (windows.ts). Beside the raw points it keeps
 * rollups of 5 minutes and an hour, maintained with every write (rollups.ts) and kept
 * longer, as InfluxDB users keep downsampled buckets; a windowed query is answered from
 * the coarsest table that has its resolution (source-choice.ts), with the same result.
 */
export class SqliteTimeSeries implements TimeSeriesStore {
  private closed = false;
  private readonly writeAll: Database.Transaction<(points: readonly Point[]) => void>;
  private readonly retention: Retention | undefined;
  private readonly sources: ReadonlyMap<Source, WindowSource>;
  private readonly candidates: readonly SourceCandidate[];

  private constructor(
    private readonly db: Database.Database,
    private readonly clock: Clock,
    logger: Logger,
    kept: StoreRetention,
    sweep: boolean,
    sweepIntervalMs: number,
  ) {
    const raw = new RawPoints(db);
    const rollups = new RollupMaintenance(db, clock, kept.rawMs);
    this.writeAll = db.transaction((points: readonly Point[]) => {
      for (const p of points) {
        const series = seriesKey(p);
        rollups.write(p, series, () => raw.write(p, series));
      }
    });
    this.sources = new Map<Source, WindowSource>([['raw', new RawWindows(db)], ...ROLLUP_TIERS.map((t): [Source, WindowSource] => [t.name, new RollupWindows(db, t)])]);
    this.candidates = [{ source: 'raw', windowMs: 1, retentionMs: kept.rawMs }, ...ROLLUP_TIERS.map((t) => ({ source: t.name, windowMs: t.windowMs, retentionMs: kept.rollupMs[t.name] }))];
    const expires = kept.rawMs !== undefined || Object.values(kept.rollupMs).some((ms) => ms !== undefined);
    this.retention = sweep && expires ? new Retention(db, kept, clock, logger, sweepIntervalMs) : undefined;
  }

  static open(options: SqliteTimeSeriesOptions): SqliteTimeSeries {
    const rollupMs = options.rollupRetentionMs ?? {};
    checkRetention('retentionMs', options.retentionMs);
    for (const tier of ROLLUP_TIERS) checkRetention(`rollupRetentionMs.${tier.name}`, rollupMs[tier.name]);
    const busyTimeoutMs = options.busyTimeoutMs ?? 5_000;
    const db = new Database(options.path, { timeout: busyTimeoutMs });
    try {
      db.pragma('journal_mode = WAL');
      db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
      migrate(db);
      const logger = (options.logger ?? createLogger('timeseries')).child({ component: 'sqlite-time-series' });
      const kept: StoreRetention = { rawMs: options.retentionMs, rollupMs };
      return new SqliteTimeSeries(db, options.clock ?? systemClock, logger, kept, options.sweep ?? true, options.retentionSweepIntervalMs ?? 600_000);
    } catch (err) {
      db.close();
      throw err;
    }
  }

  async write(points: readonly Point[]): Promise<void> {
    this.assertOpen();
    assertPointsFit(points);
    assertRollupsFit(points);
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
    const rows = this.db
      .prepare(`SELECT measurement, time_ms, nanos, tags, fields FROM points WHERE measurement = ? AND time_ms >= ? AND time_ms < ?${tagConditions('tags', filters)}`)
      .all(query.measurement, query.range.start, query.range.stop, ...tagParams(filters)) as PointRow[];
    return rows
      .map((r) => ({ measurement: r.measurement, tags: JSON.parse(r.tags) as Point['tags'], fields: JSON.parse(r.fields) as Point['fields'], timeMs: r.time_ms, nanos: r.nanos }))
      .sort(comparePoints);
  }

  async drainLevel(query: LevelQuery): Promise<LevelWindow[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    return this.sourceFor(aligned, query.everyMs).drainLevel(query.deviceId, aligned, query.everyMs);
  }

  async deviceUptime(query: UptimeQuery): Promise<DeviceUptime[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    return this.sourceFor(aligned, query.everyMs).deviceUptime(aligned, query.everyMs, query.deviceIds);
  }

  async eventCounts(query: EventCountQuery): Promise<CountWindow[]> {
    this.assertOpen();
    const aligned = alignedWindows(query);
    const filters = checkTagFilter('device_event', query.tags);
    return denseCounts(aligned, query.everyMs, this.sourceFor(aligned, query.everyMs).eventCounts(aligned, query.everyMs, filters));
  }

  /** Which table answers a windowed query over this range now (source-choice.ts). */
  sourceOf(aligned: TimeRange, everyMs: number): Source {
    return chooseSource(aligned, everyMs, this.clock.now(), this.candidates);
  }

  /** Deletes expired points and rollup windows now (the sweeper does it on its interval); resolves with how many rows. */
  sweepExpired(): Promise<number> {
    return this.retention?.sweep() ?? Promise.resolve(0);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.retention?.stop();
    this.db.close();
  }

  private sourceFor(aligned: TimeRange, everyMs: number): WindowSource {
    return this.sources.get(this.sourceOf(aligned, everyMs))!;
  }

  private assertOpen(): void {
    if (this.closed) throw new OcError('OC_TIMESERIES_CLOSED');
  }
}

function checkRetention(name: string, ms: number | undefined): void {
  if (ms !== undefined && !(Number.isFinite(ms) && ms > 0)) throw new OcError('OC_CONFIG_INVALID', `${name} must be a positive number, got ${ms}`);
}
