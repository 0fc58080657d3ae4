import Database, { type Database as Db } from 'better-sqlite3';
import type { OutgoingMessage } from '../../alerting/store/alerting-store.ts';
import type { DeliveryReceipt } from '../../shared/delivery-receipt.ts';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';
import { LOG_TOPICS } from '../../shared/topics.ts';
import type { Delivery } from '../delivery.ts';
import type { DeliveryStore, PushSubscriptionRecord } from './delivery-store.ts';

const MIGRATIONS = [
  `CREATE TABLE deliveries (
     id TEXT PRIMARY KEY,
     ticket_id TEXT NOT NULL,
     status TEXT NOT NULL,
     next_attempt_at INTEGER NOT NULL,
     body TEXT NOT NULL
   );
   CREATE INDEX deliveries_due ON deliveries (status, next_attempt_at);
   CREATE INDEX deliveries_ticket ON deliveries (ticket_id);
   CREATE TABLE outbox (id INTEGER PRIMARY KEY AUTOINCREMENT, key TEXT NOT NULL, value BLOB NOT NULL);
   CREATE TABLE push_subscriptions (
     id TEXT PRIMARY KEY,
     staff_id TEXT NOT NULL,
     endpoint TEXT NOT NULL UNIQUE,
     body TEXT NOT NULL
   );
   CREATE INDEX push_subscriptions_staff ON push_subscriptions (staff_id);`,
];

/** The embedded DeliveryStore: one SQLite file, every change in a transaction with its receipts. */
export class SqliteDeliveryStore implements DeliveryStore {
  private readonly db: Db;

  private constructor(path: string) {
    this.db = new Database(path);
    this.db.pragma('journal_mode = WAL');
    // FULL: a delivery recorded as sent must survive a power cut, or it would be sent again.
    this.db.pragma('synchronous = FULL');
    this.db.pragma('busy_timeout = 5000');
    applyMigrations(this.db, MIGRATIONS, `notifier store ${path}`);
  }

  static open(path: string): SqliteDeliveryStore {
    return new SqliteDeliveryStore(path);
  }

  addDeliveries(deliveries: readonly Delivery[], receipts: readonly DeliveryReceipt[]): Delivery[] {
    const insert = this.db.prepare('INSERT OR IGNORE INTO deliveries (id, ticket_id, status, next_attempt_at, body) VALUES (?, ?, ?, ?, ?)');
    return this.db.transaction(() => {
      const added: Delivery[] = [];
      for (const d of deliveries) {
        if (insert.run(d.id, d.ticketId, d.status, d.nextAttemptAt, JSON.stringify(d)).changes === 1) added.push(d);
      }
      const addedIds = new Set(added.map((d) => d.id));
      // A receipt for a delivery that already existed was published the first time round.
      this.queueReceipts(receipts.filter((r) => addedIds.has(r.deliveryId)));
      return added;
    })();
  }

  due(now: number, limit: number): Delivery[] {
    const rows = this.db
      .prepare("SELECT body FROM deliveries WHERE status = 'pending' AND next_attempt_at <= ? ORDER BY next_attempt_at, rowid LIMIT ?")
      .all(now, limit) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Delivery);
  }

  nextDueAt(): number | undefined {
    const row = this.db.prepare("SELECT MIN(next_attempt_at) AS at FROM deliveries WHERE status = 'pending'").get() as { at: number | null };
    return row.at ?? undefined;
  }

  markSending(ids: readonly string[], now: number): void {
    this.db.transaction(() => {
      for (const id of ids) {
        const d = this.get(id);
        if (!d) continue;
        this.write({ ...d, status: 'sending', attempts: d.attempts + 1, updatedAt: now });
      }
    })();
  }

  recordOutcome(updates: readonly Pick<Delivery, 'id' | 'status' | 'nextAttemptAt' | 'lastError' | 'updatedAt'>[], receipts: readonly DeliveryReceipt[]): void {
    this.db.transaction(() => {
      for (const u of updates) {
        const d = this.get(u.id);
        if (d) this.write({ ...d, ...u });
      }
      this.queueReceipts(receipts);
    })();
  }

  resumeInterrupted(now: number): number {
    const rows = this.db.prepare("SELECT body FROM deliveries WHERE status = 'sending'").all() as { body: string }[];
    this.db.transaction(() => {
      for (const r of rows) this.write({ ...(JSON.parse(r.body) as Delivery), status: 'pending', nextAttemptAt: now, updatedAt: now });
    })();
    return rows.length;
  }

  get(id: string): Delivery | undefined {
    const row = this.db.prepare('SELECT body FROM deliveries WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as Delivery) : undefined;
  }

  listForTicket(ticketId: string): Delivery[] {
    const rows = this.db.prepare('SELECT body FROM deliveries WHERE ticket_id = ? ORDER BY rowid').all(ticketId) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as Delivery);
  }

  counts(): Record<string, number> {
    const rows = this.db.prepare('SELECT status, COUNT(*) AS n FROM deliveries GROUP BY status').all() as { status: string; n: number }[];
    return Object.fromEntries(rows.map((r) => [r.status, r.n]));
  }

  pendingOutgoing(limit: number): OutgoingMessage[] {
    const rows = this.db.prepare('SELECT id, key, value FROM outbox ORDER BY id LIMIT ?').all(limit) as { id: number; key: string; value: Buffer }[];
    return rows.map((r) => ({ id: r.id, topic: LOG_TOPICS.notifications, key: r.key, value: r.value }));
  }

  deleteOutgoing(upToId: number): void {
    this.db.prepare('DELETE FROM outbox WHERE id <= ?').run(upToId);
  }

  putSubscription(s: PushSubscriptionRecord): void {
    this.db
      .prepare('INSERT INTO push_subscriptions (id, staff_id, endpoint, body) VALUES (?, ?, ?, ?) ON CONFLICT (endpoint) DO UPDATE SET id = excluded.id, staff_id = excluded.staff_id, body = excluded.body')
      .run(s.id, s.staffId, s.endpoint, JSON.stringify(s));
  }

  subscriptionsOf(staffId: string): PushSubscriptionRecord[] {
    const rows = this.db.prepare('SELECT body FROM push_subscriptions WHERE staff_id = ? ORDER BY rowid').all(staffId) as { body: string }[];
    return rows.map((r) => JSON.parse(r.body) as PushSubscriptionRecord);
  }

  subscription(id: string): PushSubscriptionRecord | undefined {
    const row = this.db.prepare('SELECT body FROM push_subscriptions WHERE id = ?').get(id) as { body: string } | undefined;
    return row ? (JSON.parse(row.body) as PushSubscriptionRecord) : undefined;
  }

  deleteSubscription(id: string): boolean {
    return this.db.prepare('DELETE FROM push_subscriptions WHERE id = ?').run(id).changes === 1;
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private write(d: Delivery): void {
    this.db.prepare('UPDATE deliveries SET status = ?, next_attempt_at = ?, body = ? WHERE id = ?').run(d.status, d.nextAttemptAt, JSON.stringify(d), d.id);
  }

  private queueReceipts(receipts: readonly DeliveryReceipt[]): void {
    const insert = this.db.prepare('INSERT INTO outbox (key, value) VALUES (?, ?)');
    for (const r of receipts) insert.run(r.ticketId, Buffer.from(JSON.stringify(r)));
  }
}
