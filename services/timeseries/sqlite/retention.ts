import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { MEASUREMENTS } from '../measurements.ts';

/** Points deleted per statement: bounds how long one sweep holds the write lock. */
const SWEEP_CHUNK = 5_000;

/**
 * Deletes points whose time is older than the retention, the embedded stand-in for an
 * InfluxDB bucket's retention period. Runs on an unref'd interval (it must never keep the
 * process alive), in chunks with an event-loop turn between them so writes get through.
 */
export class PointRetention {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;
  private stopped = false;
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
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'time-series retention sweep failed; next interval retries'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Deletes every expired point now; resolves with how many. Joins a sweep already running. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async sweepAll(): Promise<number> {
    const cutoff = this.clock.now() - this.retentionMs;
    let deleted = 0;
    for (const measurement of Object.keys(MEASUREMENTS)) {
      while (!this.stopped) {
        const changes = this.deleteChunk.run(measurement, cutoff, SWEEP_CHUNK).changes;
        deleted += changes;
        if (changes < SWEEP_CHUNK) break;
        await nextTurn();
      }
    }
    if (deleted > 0) this.logger.debug({ deleted }, 'time-series retention deleted expired points');
    return deleted;
  }
}
