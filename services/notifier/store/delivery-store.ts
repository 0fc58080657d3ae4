import type { DeliveryReceipt } from '../../shared/delivery-receipt.ts';
import type { OutgoingMessage } from '../../alerting/store/alerting-store.ts';
import type { Delivery } from '../delivery.ts';

/** A Web Push subscription of one person's device (browser), as the browser gave it. */
export interface PushSubscriptionRecord {
  id: string;
  staffId: string;
  endpoint: string;
  keys: { p256dh: string; auth: string };
  /** What the person called it, or the browser's user agent. */
  label: string;
  /** The language the person chose on the page that subscribed: the notification's title and buttons are in it. */
  lang?: 'zh' | 'en' | undefined;
  createdAt: number;
  lastDeliveredAt?: number | undefined;
  lastError?: string | undefined;
}

/**
 * The notifier's own state: every delivery with its attempts, the receipts queued
 * for `oc.notifications` (a transactional outbox), and push subscriptions. A port,
 * so a shared database can replace the embedded SQLite file.
 */
export interface DeliveryStore {
  /** Inserts the deliveries that are new and queues a receipt for each that is already final; returns the new ones. Idempotent on replay. */
  addDeliveries(deliveries: readonly Delivery[], receipts: readonly DeliveryReceipt[]): Delivery[];
  /** Pending deliveries due at `now`, oldest first. */
  due(now: number, limit: number): Delivery[];
  /** The earliest next attempt of a pending delivery, if any. */
  nextDueAt(): number | undefined;
  /** Before sending: the attempt is counted (and survives a crash). */
  markSending(ids: readonly string[], now: number): void;
  /** After an attempt: new state and its receipts, in one transaction. */
  recordOutcome(updates: readonly Pick<Delivery, 'id' | 'status' | 'nextAttemptAt' | 'lastError' | 'updatedAt'>[], receipts: readonly DeliveryReceipt[]): void;
  /** Deliveries a crash left in `sending`: they go back to pending, due now. */
  resumeInterrupted(now: number): number;
  get(id: string): Delivery | undefined;
  listForTicket(ticketId: string): Delivery[];
  counts(): Record<string, number>;
  /** The receipts outbox, read by the relay that appends to the event log. */
  pendingOutgoing(limit: number): OutgoingMessage[];
  deleteOutgoing(upToId: number): void;
  putSubscription(s: PushSubscriptionRecord): void;
  subscriptionsOf(staffId: string): PushSubscriptionRecord[];
  subscription(id: string): PushSubscriptionRecord | undefined;
  deleteSubscription(id: string): boolean;
  close(): void;
}
