import type { Database, Statement } from 'better-sqlite3';
import { ChunkedSweeper, deleteInChunks, type StopSignal } from '../../shared/chunked-sweeper.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { MEASUREMENTS } from '../measurements.ts';
import { ROLLUP_TIERS, type TierName } from './rollup-spec.ts';
import type { Source } from './source-choice.ts';

/** Rows deleted per statement: bounds how long one sweep holds the write lock. */
const SWEEP_CHUNK = 5_000;

/** How long each table keeps its rows; undefined: for ever. */
export interface StoreRetention {
  rawMs: number | undefined;
  rollupMs: Readonly<Partial<Record<TierName, number>>>;
}

/**
 * Deletes what is older than each table keeps, the embedded stand-in for the retention
 * periods of InfluxDB buckets (a raw bucket and longer-lived downsampled ones). A point
 * goes once its time is older than the raw retention; a rollup window once all of it is
 * older than its tier's retention (start + window <= now − retention), so a window never
 * loses part of what it counted.
 */
export class Retention {
  private readonly sweeper: ChunkedSweeper;
  private readonly deletePoints: Statement<[string, number, number]>;
  private readonly deleteWindows: Statement<[number, number, number]>;
  private readonly deleteFields: Statement<[number, number, number]>;

  constructor(
    db: Database,
    private readonly retention: StoreRetention,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    // Per measurement and per tier, so the (…, time) indexes find the oldest rows.
    this.deletePoints = db.prepare('DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE measurement = ? AND time_ms < ? LIMIT ?)');
    this.deleteWindows = db.prepare('DELETE FROM rollup_windows WHERE rowid IN (SELECT rowid FROM rollup_windows WHERE window_ms = ? AND start_ms <= ? LIMIT ?)');
    this.deleteFields = db.prepare('DELETE FROM rollup_fields WHERE rowid IN (SELECT rowid FROM rollup_fields WHERE window_ms = ? AND start_ms <= ? LIMIT ?)');
    this.sweeper = new ChunkedSweeper((stopped) => this.sweepAll(stopped), intervalMs, logger, 'time-series retention');
  }

  /** Deletes everything expired now; resolves with how many rows (points and rollup windows). Joins a sweep already running. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  private async sweepAll(stopped: StopSignal): Promise<number> {
    const now = this.clock.now();
    // Raw points, and rollup windows per tier (their field rows go with them).
    const counts: Record<Source, number> = { raw: 0, '5m': 0, '1h': 0 };
    if (this.retention.rawMs !== undefined) {
      const cutoff = now - this.retention.rawMs;
      for (const measurement of Object.keys(MEASUREMENTS)) {
        counts.raw += await deleteInChunks(() => this.deletePoints.run(measurement, cutoff, SWEEP_CHUNK).changes, SWEEP_CHUNK, stopped);
      }
    }
    for (const tier of ROLLUP_TIERS) {
      const keptMs = this.retention.rollupMs[tier.name];
      if (keptMs === undefined) continue;
      const lastExpiredStart = now - keptMs - tier.windowMs;
      await deleteInChunks(() => this.deleteFields.run(tier.windowMs, lastExpiredStart, SWEEP_CHUNK).changes, SWEEP_CHUNK, stopped);
      counts[tier.name] = await deleteInChunks(() => this.deleteWindows.run(tier.windowMs, lastExpiredStart, SWEEP_CHUNK).changes, SWEEP_CHUNK, stopped);
    }
    if (counts.raw + counts['5m'] + counts['1h'] > 0) this.logger.debug(counts, 'time-series retention deleted expired rows');
    return counts.raw + counts['5m'] + counts['1h'];
  }
}
