import { EventEmitter } from 'node:events';
import { guardBatchHandler } from '../../event-log/guard/guarded-handler.ts';
import type { ConsumerHealth } from '../../event-log/guard/consumer-health.ts';
import { systemClock, type Clock } from '../../shared/clock.ts';
import Database, { type Database as Db } from 'better-sqlite3';
import type { EventLog, LogConsumer, LogRecord } from '../../event-log/port.ts';
import { parseReceipt, type DeliveryReceipt } from '../../shared/delivery-receipt.ts';
import type { Logger } from '../../shared/logger.ts';
import { applyMigrations } from '../../shared/sqlite-migrations.ts';
import { LOG_TOPICS } from '../../shared/topics.ts';

export const RECEIPTS_GROUP = 'oc-ticket-receipts';

/** One delivery as the ticket's timeline shows it: its latest state and every receipt. */
export interface DeliverySummary {
  deliveryId: string;
  notificationId: string;
  channel: DeliveryReceipt['channel'];
  recipient: DeliveryReceipt['recipient'];
  status: DeliveryReceipt['status'];
  attempts: number;
  lastAt: number;
  reason?: string | undefined;
  mergedCount?: number | undefined;
  history: { status: DeliveryReceipt['status']; at: number; attempt: number; reason?: string | undefined }[];
}

/** The last delivery to a person on a channel, for the desk's "no working channel" warning. */
export interface PersonChannelState {
  channel: DeliveryReceipt['channel'];
  status: DeliveryReceipt['status'];
  at: number;
  reason?: string | undefined;
}

export interface ReceiptReader {
  forTicket(ticketId: string): DeliverySummary[];
  /** Per person, the latest receipt per channel. */
  personChannels(staffId: string): PersonChannelState[];
  /** Emits 'receipt' (DeliveryReceipt) for each new one, for the live stream. */
  readonly changes: EventEmitter;
}

export interface ReceiptBook extends ReceiptReader {
  close(): Promise<void>;
}

const MIGRATIONS = [
  `CREATE TABLE receipts (id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, delivery_id TEXT NOT NULL, person TEXT, at INTEGER NOT NULL, body TEXT NOT NULL);
   CREATE INDEX receipts_ticket ON receipts (ticket_id, at);
   CREATE INDEX receipts_person ON receipts (person, at);`,
];

/**
 * The delivery receipts of `oc.notifications`, kept for the ticket timeline in a
 * file of their own (receipts.db): the notifier's tables are never read, so a
 * notifier elsewhere changes nothing here. A replayed receipt is stored once (its id).
 */
export async function openReceiptBook(o: {
  log: EventLog;
  path: string;
  logger: Logger;
  groupId?: string;
  /** The process's log consumers and clock: a receipt that cannot be stored is dead-lettered and reported, never a stall. */
  health?: ConsumerHealth | undefined;
  clock?: Clock;
}): Promise<ReceiptBook> {
  const db: Db = new Database(o.path);
  db.pragma('journal_mode = WAL');
  db.pragma('busy_timeout = 5000');
  applyMigrations(db, MIGRATIONS, `receipts store ${o.path}`);
  const changes = new EventEmitter();
  const insert = db.prepare('INSERT OR IGNORE INTO receipts (id, ticket_id, delivery_id, person, at, body) VALUES (?, ?, ?, ?, ?, ?)');

  const handle = async (batch: readonly LogRecord[]) => {
    const fresh: DeliveryReceipt[] = [];
    db.transaction(() => {
      for (const record of batch) {
        const r = parseReceipt(record.value);
        if (!r) {
          o.logger.warn({ offset: record.offset, partition: record.partition }, 'oc.notifications record is not a delivery receipt; skipped');
          continue;
        }
        const person = r.recipient.kind === 'person' ? r.recipient.id : null;
        if (insert.run(r.id, r.ticketId, r.deliveryId, person, r.at, JSON.stringify(r)).changes === 1) fresh.push(r);
      }
    })();
    for (const r of fresh) changes.emit('receipt', r);
  };
  let consumer: LogConsumer;
  const guard = guardBatchHandler(handle, { consumer: 'receipt-book', log: o.log, logger: o.logger, clock: o.clock ?? systemClock, health: o.health });
  try {
    consumer = await o.log.consume({ groupId: o.groupId ?? RECEIPTS_GROUP, topics: [LOG_TOPICS.notifications], fromBeginning: true }, guard.handler);
  } catch (err) {
    guard.close();
    db.close();
    throw err;
  }

  const read = (sql: string, arg: string) => (db.prepare(sql).all(arg) as { body: string }[]).map((row) => JSON.parse(row.body) as DeliveryReceipt);
  return {
    changes,
    forTicket: (ticketId) => summarise(read('SELECT body FROM receipts WHERE ticket_id = ? ORDER BY at, rowid', ticketId)),
    personChannels(staffId) {
      const latest = new Map<string, PersonChannelState>();
      for (const r of read('SELECT body FROM receipts WHERE person = ? ORDER BY at, rowid', staffId)) latest.set(r.channel, { channel: r.channel, status: r.status, at: r.at, reason: r.reason });
      return [...latest.values()];
    },
    async close() {
      await consumer.close();
      guard.close();
      db.close();
    },
  };
}

function summarise(receipts: readonly DeliveryReceipt[]): DeliverySummary[] {
  const byId = new Map<string, DeliverySummary>();
  for (const r of receipts) {
    const s = byId.get(r.deliveryId) ?? { deliveryId: r.deliveryId, notificationId: r.notificationId, channel: r.channel, recipient: r.recipient, status: r.status, attempts: 0, lastAt: r.at, history: [] };
    s.history.push({ status: r.status, at: r.at, attempt: r.attempt, reason: r.reason });
    if (supersedes(r.status, s.status)) {
      s.status = r.status;
      s.reason = r.reason ?? (r.status === 'failed' || r.status === 'given-up' ? s.reason : undefined);
    }
    s.attempts = Math.max(s.attempts, r.attempt);
    s.lastAt = Math.max(s.lastAt, r.at);
    if (r.mergedCount) s.mergedCount = r.mergedCount;
    byId.set(r.deliveryId, s);
  }
  return [...byId.values()];
}

/** How far a notification got with its person: once it reached them, only a step further (opened, then accepted) replaces that. */
const REACHED: Partial<Record<DeliveryReceipt['status'], number>> = { delivered: 1, clicked: 2, accepted: 3 };

/** Whether a later receipt's status replaces the one held: a late "failed" or a second "opened" never hides what the person already did. */
function supersedes(next: DeliveryReceipt['status'], held: DeliveryReceipt['status']): boolean {
  const had = REACHED[held];
  if (had === undefined) return true;
  return (REACHED[next] ?? 0) > had;
}
