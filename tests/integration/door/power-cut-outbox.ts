import type { AlsoInTransaction, Outbox, OutboxEntry, OutboxMessage } from '../../../edge-agent/outbox/outbox.ts';

/**
 * The agent's real outbox, with the power going off right after its n-th append
 * commits: `cut` closes the agent's database at that instant, before the agent or
 * the driver does anything else, so nothing more reaches the file. That is the
 * moment a crash used to repeat a controller event (cursor written after the
 * outbox commit); a killed process cannot be timed that precisely in-process.
 */
export class PowerCutOutbox implements Outbox {
  private appends = 0;
  private cutDone!: () => void;
  /** Resolves once the power went off. */
  readonly cutHappened = new Promise<void>((resolve) => (this.cutDone = resolve));

  constructor(
    private readonly outbox: Outbox,
    private readonly cutAfterAppends: number,
    private readonly cut: () => void,
  ) {}

  enqueue(build: (seq: number) => OutboxMessage, alsoInTransaction?: AlsoInTransaction): OutboxEntry {
    const entry = this.outbox.enqueue(build, alsoInTransaction);
    this.appends += 1;
    if (this.appends === this.cutAfterAppends) {
      this.cut();
      this.cutDone();
    }
    return entry;
  }

  peek(afterId: number, limit: number): OutboxEntry[] {
    return this.outbox.peek(afterId, limit);
  }

  ack(id: number): void {
    this.outbox.ack(id);
  }

  size(): number {
    return this.outbox.size();
  }

  nextSeq(): number {
    return this.outbox.nextSeq();
  }

  close(): void {
    this.outbox.close();
  }
}
