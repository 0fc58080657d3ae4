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

/**
 * A write that must commit together with an outbox append, or not at all: a
 * driver's position in a device-side journal, moved past the event that the
 * appended envelope carries. Runs inside the append's transaction, after the
 * entry is stored. It must write through the agent's database connection (every
 * store opened on the outbox's file shares it, see agent-database.ts) and change
 * nothing in memory: the commit can still fail after it returns.
 */
export type AlsoInTransaction = () => void;

export interface Outbox {
  /**
   * Allocates the next per-device sequence number, builds the message with it
   * and stores both in one step, so a crash never leaves a gap or a reused seq.
   * `alsoInTransaction` runs once within that step; if it (or the build) throws,
   * nothing is stored, no seq is used up, and enqueue throws that error.
   */
  enqueue(build: (seq: number) => OutboxMessage, alsoInTransaction?: AlsoInTransaction): OutboxEntry;
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
