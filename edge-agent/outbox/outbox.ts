/**
 * The agent's durable outbox: what a device has produced but the broker has not
 * acknowledged yet. Synchronous because the SQLite implementation is, and so that
 * allocating a sequence number and storing the message are one atomic step.
 */

export interface OutboxMessage {
  topic: string;
  payload: Buffer;
  qos: 0 | 1;
}

export interface OutboxEntry extends OutboxMessage {
  /** Strictly increasing storage order; the send order. */
  id: number;
  seq: number;
}

export interface Outbox {
  /**
   * Allocates the next per-device sequence number, builds the message with it
   * and stores both in one step, so a crash never leaves a gap or a reused seq.
   */
  enqueue(build: (seq: number) => OutboxMessage): OutboxEntry;
  /** Oldest unacknowledged entries with id > afterId, in order. */
  peek(afterId: number, limit: number): OutboxEntry[];
  /** The broker acknowledged it; never send it again. */
  ack(id: number): void;
  /** Entries waiting (not yet acknowledged). */
  size(): number;
  /** The sequence number the next enqueue will use. */
  nextSeq(): number;
  close(): void;
}
