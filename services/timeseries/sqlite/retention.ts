import type { Database, Statement } from 'better-sqlite3';
import { ChunkedSweeper, deleteInChunks, type StopSignal } from '../../shared/chunked-sweeper.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { MEASUREMENTS } from '../measurements.ts';

/** Points deleted per statement: bounds how long one sweep holds the write lock. */
const SWEEP_CHUNK = 5_000;

/** Deletes points whose time is older than the retention, the embedded stand-in for an InfluxDB bucket's retention period. */
export class PointRetention {
  private readonly sweeper: ChunkedSweeper;
  private readonly deleteChunk: Statement<[string, number, number]>;

  constructor(
    db: Database,
    private readonly retentionMs: number,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    // Per measurement, so the (measurement, time_ms) index finds the oldest points.
    this.deleteChunk = db.prepare('DELETE FROM points WHERE rowid IN (SELECT rowid FROM points WHERE measurement = ? AND time_ms < ? LIMIT ?)');
    this.sweeper = new ChunkedSweeper((stopped) => this.sweepAll(stopped), intervalMs, logger, 'time-series retention');
  }

  /** Deletes every expired point now; resolves with how many. Joins a sweep already running. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  private async sweepAll(stopped: StopSignal): Promise<number> {
    const cutoff = this.clock.now() - this.retentionMs;
    let deleted = 0;
    for (const measurement of Object.keys(MEASUREMENTS)) {
      deleted += await deleteInChunks(() => this.deleteChunk.run(measurement, cutoff, SWEEP_CHUNK).changes, SWEEP_CHUNK, stopped);
    }
    if (deleted > 0) this.logger.debug({ deleted }, 'time-series retention deleted expired points');
    return deleted;
  }
}
