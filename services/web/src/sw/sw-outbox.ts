/**
 * What a tap on a notification could not send yet, kept in IndexedDB (the one store the
 * service worker and the page share): an Accept, with the action id made at the tap, and
 * the receipts for the ticket's timeline. The page takes the Accepts into its own action
 * queue, so they show as pending and go out like every other action; the worker sends
 * the rest when it can.
 */
import type { PushInteraction } from './push-receipt.ts';

export type OutboxItem =
  | { id: string; kind: 'action'; actionId: string; ticketId: string; action: 'accept'; deliveryId: string; queuedAt: number; attempts: number; lastError?: string }
  | { id: string; kind: 'receipt'; deliveryId: string; status: PushInteraction; queuedAt: number; attempts: number; lastError?: string };

export interface Outbox {
  put(item: OutboxItem): Promise<void>;
  /** Oldest first. */
  all(): Promise<OutboxItem[]>;
  remove(id: string): Promise<void>;
}

export const receiptItemId = (deliveryId: string, status: PushInteraction): string => `receipt:${status}:${deliveryId}`;

const DB_NAME = 'oc-phone';
const STORE = 'notification-outbox';

export class IdbOutbox implements Outbox {
  private db: Promise<IDBDatabase> | undefined;

  constructor(private readonly factory: IDBFactory) {}

  async put(item: OutboxItem): Promise<void> {
    await this.run('readwrite', (s) => s.put(item));
  }

  async all(): Promise<OutboxItem[]> {
    const items = (await this.run('readonly', (s) => s.getAll())) as OutboxItem[];
    return items.sort((a, b) => a.queuedAt - b.queuedAt);
  }

  async remove(id: string): Promise<void> {
    await this.run('readwrite', (s) => s.delete(id));
  }

  private open(): Promise<IDBDatabase> {
    this.db ??= new Promise((resolve, reject) => {
      const req = this.factory.open(DB_NAME, 1);
      req.onupgradeneeded = () => req.result.createObjectStore(STORE, { keyPath: 'id' });
      req.onsuccess = () => resolve(req.result);
      req.onerror = () => reject(req.error ?? new Error('IndexedDB would not open'));
    });
    // A failed open is tried again next time rather than remembered.
    this.db.catch(() => (this.db = undefined));
    return this.db;
  }

  private async run(mode: IDBTransactionMode, op: (s: IDBObjectStore) => IDBRequest): Promise<unknown> {
    const db = await this.open();
    return new Promise((resolve, reject) => {
      const tx = db.transaction(STORE, mode);
      const req = op(tx.objectStore(STORE));
      tx.oncomplete = () => resolve(req.result);
      tx.onerror = () => reject(tx.error ?? new Error('IndexedDB transaction failed'));
      tx.onabort = () => reject(tx.error ?? new Error('IndexedDB transaction aborted'));
    });
  }
}

/** An outbox in memory: the unit tests', and the fallback where IndexedDB is unavailable (a private window). */
export class MemoryOutbox implements Outbox {
  private readonly items = new Map<string, OutboxItem>();
  async put(item: OutboxItem): Promise<void> {
    this.items.set(item.id, { ...item });
  }
  async all(): Promise<OutboxItem[]> {
    return [...this.items.values()].sort((a, b) => a.queuedAt - b.queuedAt);
  }
  async remove(id: string): Promise<void> {
    this.items.delete(id);
  }
}
