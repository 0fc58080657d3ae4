import type { Outbox, OutboxEntry } from './outbox/outbox.ts';

/**
 * Hands one outbox entry to the link. `done` must be called once: without an
 * error when the broker acknowledged it (PUBACK; for QoS 0, when written).
 */
export type PublishEntry = (entry: OutboxEntry, done: (err?: Error | null) => void) => void;

export interface OutboxPumpOptions {
  outbox: Outbox;
  maxInFlight: number;
  /** After the entry was removed from the outbox. */
  onAcked?: (entry: OutboxEntry) => void;
  /** The link reported an error for an entry of the current link; it stays in the outbox. */
  onFailed?: (entry: OutboxEntry, err: Error) => void;
}

/** The link the pump currently feeds; replaced on every (re)connect, so late callbacks of a dead link are recognisable. */
interface LinkSession {
  publish: PublishEntry;
  /** Ids handed to this link and not yet acknowledged. */
  inFlight: Set<number>;
  /** Highest id handed to this link; the next peek starts after it. */
  cursor: number;
  /** False once the owner is shutting down: acknowledgements still count, nothing new is sent. */
  sending: boolean;
}

/**
 * Moves outbox entries to the broker in id order with at most `maxInFlight`
 * unacknowledged. The outbox is the only queue: each link starts again from the
 * oldest unacknowledged entry and anything in flight on a lost link is simply sent
 * again (consumers de-duplicate by envelope id). An entry leaves the outbox only on
 * an acknowledgement, so it is never sent again after one.
 */
export class OutboxPump {
  private session: LinkSession | null = null;
  private pumping = false;
  private pumpAgain = false;

  constructor(private readonly options: OutboxPumpOptions) {}

  /** The link is up: start from the oldest unacknowledged entry. */
  attach(publish: PublishEntry): void {
    this.session = { publish, inFlight: new Set(), cursor: 0, sending: true };
    this.kick();
  }

  /** Shutting down on a live link: send nothing more, but still take in acknowledgements. */
  stopSending(): void {
    if (this.session) this.session.sending = false;
  }

  /** The link is down: forget what was in flight; it is still in the outbox. */
  detach(): void {
    this.session = null;
  }

  get attached(): boolean {
    return this.session !== null;
  }

  get inFlight(): number {
    return this.session?.inFlight.size ?? 0;
  }

  /** Outbox empty and nothing awaiting an acknowledgement. */
  isIdle(): boolean {
    return this.inFlight === 0 && this.options.outbox.size() === 0;
  }

  /** Sends what the in-flight window allows. Safe to call at any time, also re-entrantly. */
  kick(): void {
    // A synchronous `done` (QoS 0) would re-enter here mid-loop and could overtake
    // the entries still in this loop's batch; run one loop at a time instead.
    if (this.pumping) {
      this.pumpAgain = true;
      return;
    }
    this.pumping = true;
    try {
      do {
        this.pumpAgain = false;
        this.fillWindow();
      } while (this.pumpAgain);
    } finally {
      this.pumping = false;
    }
  }

  private fillWindow(): void {
    const session = this.session;
    if (!session?.sending) return;
    const room = this.options.maxInFlight - session.inFlight.size;
    if (room <= 0) return;
    for (const entry of this.options.outbox.peek(session.cursor, room)) {
      if (this.session !== session) return; // the link went down while publishing
      session.cursor = entry.id;
      session.inFlight.add(entry.id);
      session.publish(entry, (err) => this.settle(session, entry, err ?? null));
    }
  }

  private settle(session: LinkSession, entry: OutboxEntry, err: Error | null): void {
    // A callback from a link that is gone: the entry is resent on the current link.
    if (this.session !== session) return;
    session.inFlight.delete(entry.id);
    if (err) {
      this.options.onFailed?.(entry, err);
      return;
    }
    try {
      this.options.outbox.ack(entry.id);
    } catch (ackErr) {
      // e.g. the owner closed the outbox under a live agent; the entry is resent next time.
      this.options.onFailed?.(entry, ackErr as Error);
      return;
    }
    this.options.onAcked?.(entry);
    this.kick();
  }
}
