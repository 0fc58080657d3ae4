import type { Database, Transaction } from 'better-sqlite3';
import { ChunkedSweeper, deleteInChunks, type StopSignal } from '../../shared/chunked-sweeper.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { EMBEDDED_PARTITION, type Statements } from './statements.ts';

/** Records examined per partition per chunk: bounds how long one sweep holds the write lock. */
const SWEEP_CHUNK = 5_000;

/**
 * Deletes records older than their topic's retention, in chunks, so a large backlog of
 * expired records does not stall appends. Offsets are unaffected: the partition head
 * lives in its own table.
 */
export class RetentionSweeper {
  private readonly sweeper: ChunkedSweeper;
  private readonly deleteChunk: Transaction<(topic: string, cutoff: number) => number>;

  constructor(
    db: Database,
    private readonly statements: Statements,
    private readonly clock: Clock,
    private readonly logger: Logger,
    intervalMs: number,
  ) {
    this.deleteChunk = db.transaction((topic: string, cutoff: number) => {
      const keepFrom = statements.firstOffsetToKeep.get(topic, EMBEDDED_PARTITION, SWEEP_CHUNK, cutoff)?.keep_from;
      if (keepFrom === null || keepFrom === undefined) return 0;
      return statements.deleteBefore.run(topic, EMBEDDED_PARTITION, keepFrom).changes;
    });
    this.sweeper = new ChunkedSweeper((stopped) => this.sweepAll(stopped), intervalMs, logger, 'retention');
  }

  /** Deletes every expired record now; resolves with how many. Joins a sweep already running. */
  sweep(): Promise<number> {
    return this.sweeper.sweep();
  }

  /** Stops the timer and waits for a running sweep, so the database can be closed after. */
  stop(): Promise<void> {
    return this.sweeper.stop();
  }

  private async sweepAll(stopped: StopSignal): Promise<number> {
    const now = this.clock.now();
    let deleted = 0;
    for (const { name, retention_ms } of this.statements.retainedTopics.all()) {
      deleted += await deleteInChunks(() => this.deleteChunk.immediate(name, now - retention_ms), SWEEP_CHUNK, stopped);
    }
    if (deleted > 0) this.logger.debug({ deleted }, 'retention sweep deleted expired records');
    return deleted;
  }
}
