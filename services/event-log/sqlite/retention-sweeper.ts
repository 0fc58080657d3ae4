import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Database, Transaction } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { EMBEDDED_PARTITION, type Statements } from './statements.ts';

/** Records examined per partition per chunk: bounds how long one sweep holds the write lock. */
const SWEEP_CHUNK = 5_000;

/**
 * Deletes records older than their topic's retention. Runs on an unref'd interval (it must
 * never keep the process alive) in chunks with an event-loop turn between them, so a large
 * backlog of expired records does not stall appends. Offsets are unaffected: the partition
 * head lives in its own table.
 */
export class RetentionSweeper {
  private readonly timer: NodeJS.Timeout;
  private running: Promise<number> | undefined;
  private stopped = false;
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
    this.timer = setInterval(() => {
      this.sweep().catch((err: unknown) => this.logger.warn({ err }, 'retention sweep failed; next interval retries'));
    }, intervalMs);
    this.timer.unref();
  }

  /** Deletes every expired record now; resolves with how many. Joins a sweep already running. */
  sweep(): Promise<number> {
    this.running ??= this.sweepAll().finally(() => {
      this.running = undefined;
    });
    return this.running;
  }

  /** Stops the timer and waits for a running sweep, so the database can be closed after. */
  async stop(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.running?.catch(() => undefined);
  }

  private async sweepAll(): Promise<number> {
    let deleted = 0;
    if (this.stopped) return deleted;
    const now = this.clock.now();
    for (const { name, retention_ms } of this.statements.retainedTopics.all()) {
      const cutoff = now - retention_ms;
      for (;;) {
        if (this.stopped) return deleted;
        const changes = this.deleteChunk.immediate(name, cutoff);
        deleted += changes;
        if (changes < SWEEP_CHUNK) break;
        await nextTurn();
      }
    }
    if (deleted > 0) this.logger.debug({ deleted }, 'retention sweep deleted expired records');
    return deleted;
  }
}
