import { OcError } from '../../services/shared/errors.ts';
import type { AlsoInTransaction, Outbox, OutboxEntry, OutboxMessage } from './outbox.ts';

/**
 * The Outbox in memory: same semantics as SqliteOutbox but nothing survives the
 * process. For tests and simulations, the way MQTT.js ships an in-memory Store.
 */
export class MemoryOutbox implements Outbox {
  // Insertion order is id order, so a Map doubles as the ordered queue.
  private readonly entries = new Map<number, OutboxEntry>();
  private lastId = 0;
  private seq = 0;
  private closed = false;

  enqueue(build: (seq: number) => OutboxMessage, alsoInTransaction?: AlsoInTransaction): OutboxEntry {
    this.assertOpen();
    // Build and side effect first: if either throws, neither the seq nor the id is
    // consumed and nothing is stored (like a rolled-back transaction). Storing cannot fail.
    const message = build(this.seq);
    alsoInTransaction?.();
    const entry: OutboxEntry = { id: this.lastId + 1, seq: this.seq, topic: message.topic, payload: message.payload, qos: message.qos };
    this.lastId = entry.id;
    this.seq += 1;
    this.entries.set(entry.id, entry);
    return entry;
  }

  peek(afterId: number, limit: number): OutboxEntry[] {
    this.assertOpen();
    const found: OutboxEntry[] = [];
    if (limit <= 0) return found;
    for (const entry of this.entries.values()) {
      if (entry.id <= afterId) continue;
      found.push(entry);
      if (found.length >= limit) break;
    }
    return found;
  }

  ack(id: number): void {
    this.assertOpen();
    this.entries.delete(id);
  }

  size(): number {
    this.assertOpen();
    return this.entries.size;
  }

  nextSeq(): number {
    this.assertOpen();
    return this.seq;
  }

  close(): void {
    this.closed = true;
  }

  private assertOpen(): void {
    if (this.closed) throw new OcError('OC_OUTBOX_CLOSED');
  }
}
