import type { Database } from 'better-sqlite3';
import { ChunkedSweeper, deleteInChunks, type StopSignal } from '../../shared/chunked-sweeper.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';

/** Alerts deleted per chunk: bounds how long one pass holds the write lock against the consumer. */
const SWEEP_CHUNK = 2_000;
const DAY_MS = 86_400_000;

/**
 * Deletes resolved alerts older than the retention: every firing episode is an `alerts` row,
 * so without this the table grows forever. A firing alert (still a signal, or waiting for its
 * `when`) is never deleted, however old; age is its last update (its clear), read on the
 * alerting clock so a simulated run ages alerts in simulated time.
 */
export class AlertRetention {
  private readonly sweeper: ChunkedSweeper;
  private readonly deleteChunk: (cutoff: number) => number;

  constructor(
    db: Database,
    private readonly clock: Clock,
    private readonly retentionDays: number,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    const del = db.prepare(`DELETE FROM alerts WHERE rowid IN (SELECT rowid FROM alerts WHERE state = 'resolved' AND updated_at < ? LIMIT ${SWEEP_CHUNK})`);
    this.deleteChunk = (cutoff) => del.run(cutoff).changes;
    this.sweeper = new ChunkedSweeper((stopped) => this.pass(stopped), intervalMs, logger, 'alert retention');
  }

  /** Deletes every expired alert now; resolves with how many. Joins a pass already running. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  /** Stops the timer and waits for a running pass, so the store can be closed after. */
  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  private async pass(stopped: StopSignal): Promise<number> {
    const cutoff = this.clock.now() - this.retentionDays * DAY_MS;
    const deleted = await deleteInChunks(() => this.deleteChunk(cutoff), SWEEP_CHUNK, stopped);
    if (deleted > 0) this.logger.info({ deleted, retentionDays: this.retentionDays }, 'alert retention deleted resolved alerts');
    return deleted;
  }
}
