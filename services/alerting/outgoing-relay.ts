import type { EventLog } from '../event-log/port.ts';
import { systemTimers, type Timer, type Timers } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import type { OutgoingMessage } from './store/alerting-store.ts';

export interface OutgoingSource {
  pendingOutgoing(limit: number): OutgoingMessage[];
  deleteOutgoing(upToId: number): void;
}

/**
 * Moves what a transaction queued for publishing (ticket changes, notifications)
 * from the store's outbox to the event log, in order, at least once. A failed
 * append is retried with back-off; nothing is dropped.
 */
export class OutgoingRelay {
  private running: Promise<void> | undefined;
  private again = false;
  private retryTimer: Timer | undefined;
  private failures = 0;
  private closed = false;

  constructor(
    private readonly source: OutgoingSource,
    private readonly log: EventLog,
    private readonly logger: Logger,
    /** The service clock's timers: back-off waits in the same time as everything else. */
    private readonly timers: Timers = systemTimers,
    private readonly batchSize = 500,
  ) {}

  /** Something was queued: publish it soon. */
  kick(): void {
    if (this.closed) return;
    if (this.running) {
      this.again = true;
      return;
    }
    // A failed drain has logged and scheduled its retry; nothing more to do with the error here.
    this.running = this.drain().catch(() => undefined).finally(() => {
      this.running = undefined;
      if (this.again && !this.closed) {
        this.again = false;
        this.kick();
      }
    });
  }

  /** Publishes what is queued, then stops. */
  async close(): Promise<void> {
    this.retryTimer?.cancel();
    await this.running;
    this.closed = true;
    await this.drain().catch((err: unknown) => this.logger.error({ err }, 'outgoing messages left for the next start'));
  }

  private async drain(): Promise<void> {
    for (;;) {
      const batch = this.source.pendingOutgoing(this.batchSize);
      if (batch.length === 0) return;
      try {
        await this.publish(batch);
      } catch (err) {
        this.failures += 1;
        const delay = Math.min(30_000, 100 * 2 ** Math.min(this.failures, 9));
        this.logger.warn({ err, delayMs: delay }, 'could not publish ticket changes; retrying');
        if (!this.closed) {
          this.retryTimer?.cancel();
          this.retryTimer = this.timers.after(delay, () => this.kick());
        }
        throw err;
      }
      this.failures = 0;
      this.source.deleteOutgoing(batch.at(-1)!.id);
    }
  }

  private async publish(batch: readonly OutgoingMessage[]): Promise<void> {
    // Consecutive runs per topic keep the overall order within each topic.
    let start = 0;
    while (start < batch.length) {
      let end = start + 1;
      while (end < batch.length && batch[end]!.topic === batch[start]!.topic) end++;
      await this.log.append(
        batch[start]!.topic,
        batch.slice(start, end).map((m) => ({ key: m.key, value: m.value })),
      );
      start = end;
    }
  }
}
