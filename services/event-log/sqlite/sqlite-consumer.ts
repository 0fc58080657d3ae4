import { setImmediate as nextTurn } from 'node:timers/promises';
import type { Logger } from '../../shared/logger.ts';
import type { BatchHandler, LogConsumer, LogRecord } from '../port.ts';
import { EMBEDDED_PARTITION, toLogRecord, type Statements } from './statements.ts';

/** Back-off after a failed batch: 100 ms doubling up to 5 s, reset by the next success. */
export const RETRY_BACKOFF_INITIAL_MS = 100;
export const RETRY_BACKOFF_MAX_MS = 5_000;

export interface SqliteConsumerSettings {
  groupId: string;
  /** topic -> next offset to read (the committed offset, or where a new group starts). */
  startOffsets: ReadonlyMap<string, number>;
  maxBatchSize: number;
  pollIntervalMs: number;
  handler: BatchHandler;
  statements: Statements;
  logger: Logger;
  /** Called once the consumer has stopped, so the log can forget it. */
  onStopped: () => void;
}

type DeliveryOutcome = 'delivered' | 'empty' | 'failed';

/**
 * One consumer-group member reading the single partition of each of its topics.
 * It sleeps when idle and is woken by appends committed in this process
 * (notifyAppended) or by a slow poll that catches appends made by other processes.
 */
export class SqliteConsumer implements LogConsumer {
  private readonly nextOffsets: Map<string, number>;
  private readonly topics: readonly string[];
  private stopping = false;
  /** Set by an append since the current round began, so a round that found nothing does not sleep through it. */
  private appendSeen = false;
  private failures = 0;
  private endPause: (() => void) | undefined;
  private pauseEndsOnAppend = false;
  private readonly stopped: Promise<void>;

  constructor(private readonly settings: SqliteConsumerSettings) {
    this.nextOffsets = new Map(settings.startOffsets);
    this.topics = [...settings.startOffsets.keys()];
    this.stopped = this.run().finally(settings.onStopped);
  }

  /** Called by the log after a commit that wrote to `topic`. */
  notifyAppended(topic: string): void {
    if (!this.nextOffsets.has(topic)) return;
    this.appendSeen = true;
    if (this.pauseEndsOnAppend) this.endPause?.();
  }

  /** Lets the batch in progress finish and commit, cuts short any idle wait or back-off, then stops. */
  close(): Promise<void> {
    this.stopping = true;
    this.endPause?.();
    return this.stopped;
  }

  private async run(): Promise<void> {
    while (!this.stopping) {
      this.appendSeen = false;
      let delivered = false;
      let failed = false;
      // One batch per topic per round, so a busy topic cannot starve the others.
      for (const topic of this.topics) {
        if (this.stopping) return;
        const outcome = await this.deliverNextBatch(topic);
        if (outcome === 'failed') {
          failed = true;
          break;
        }
        if (outcome === 'delivered') delivered = true;
      }
      if (this.stopping) return;
      if (failed) {
        this.failures++;
        await this.pause(Math.min(RETRY_BACKOFF_INITIAL_MS * 2 ** (this.failures - 1), RETRY_BACKOFF_MAX_MS), false);
      } else if (delivered) {
        // better-sqlite3 is synchronous: while catching up on a backlog, give I/O (and the
        // append flush) a turn between batches instead of looping on microtasks.
        await nextTurn();
      } else if (!this.appendSeen) {
        await this.pause(this.settings.pollIntervalMs, true);
      }
    }
  }

  private async deliverNextBatch(topic: string): Promise<DeliveryOutcome> {
    const { groupId, statements, logger, maxBatchSize, handler } = this.settings;
    const fromOffset = this.nextOffsets.get(topic)!;
    let batch: LogRecord[];
    try {
      const rows = statements.readBatch.all(topic, EMBEDDED_PARTITION, fromOffset, maxBatchSize);
      if (rows.length === 0) return 'empty';
      batch = rows.map((row) => toLogRecord(topic, row));
    } catch (err) {
      logger.error({ err, groupId, topic, fromOffset }, 'event log read failed; retrying after back-off');
      return 'failed';
    }

    // Computed before the handler runs: the handler gets the array and could change it.
    const committedNext = batch[batch.length - 1]!.offset + 1;
    try {
      await handler(batch);
    } catch (err) {
      logger.error(
        { err, groupId, topic, partition: EMBEDDED_PARTITION, fromOffset: batch[0]!.offset, toOffset: committedNext - 1, attempt: this.failures + 1 },
        'batch handler failed; batch stays uncommitted and will be redelivered',
      );
      return 'failed';
    }

    try {
      statements.commitOffset.run(groupId, topic, EMBEDDED_PARTITION, committedNext);
    } catch (err) {
      // Not advancing: the batch is handed out again, which at-least-once allows.
      logger.error({ err, groupId, topic, committedNext }, 'offset commit failed; batch will be redelivered');
      return 'failed';
    }
    this.nextOffsets.set(topic, committedNext);
    this.failures = 0;
    return 'delivered';
  }

  /** Waits `ms`; close() always ends the wait early, an append only when `endsOnAppend` (idle, not back-off). */
  private pause(ms: number, endsOnAppend: boolean): Promise<void> {
    return new Promise((resolve) => {
      const end = (): void => {
        clearTimeout(timer);
        this.endPause = undefined;
        this.pauseEndsOnAppend = false;
        resolve();
      };
      // Not unref'd: a live consumer keeps its process running, as a Kafka consumer would.
      const timer = setTimeout(end, ms);
      this.endPause = end;
      this.pauseEndsOnAppend = endsOnAppend;
    });
  }
}
