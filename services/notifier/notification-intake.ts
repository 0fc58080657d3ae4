import type { Notification } from '../alerting/domain/tickets/types.ts';
import type { LogRecord } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import type { Logger } from '../shared/logger.ts';
import { fanOut, type FanOutContext } from './fan-out.ts';
import type { PublicUrl } from './public-url.ts';
import type { DeliveryStore } from './store/delivery-store.ts';

/** The notification inside an `oc.tickets` record, or null for a ticket change (or anything else). */
export function notificationOf(value: Buffer): Notification | null {
  let body: unknown;
  try {
    body = JSON.parse(value.toString('utf8'));
  } catch {
    return null;
  }
  const m = body as { kind?: unknown; notification?: Partial<Notification> } | null;
  const n = m?.kind === 'notification' ? m.notification : undefined;
  if (!n || typeof n.id !== 'string' || typeof n.ticketId !== 'string' || typeof n.kind !== 'string' || !n.to || !n.message) return null;
  return n as Notification;
}

export interface IntakeOptions {
  store: DeliveryStore;
  fanOut: Omit<FanOutContext, 'subscriptionsOf' | 'publicUrl'> & { publicUrl: PublicUrl };
  clock: Clock;
  logger: Logger;
  /** New deliveries are waiting. */
  onDeliveries(): void;
  /** Receipts were queued (someone had no channel). */
  onReceipts(): void;
}

/**
 * The batch handler for `oc.tickets`: each notification becomes its deliveries,
 * inserted once by id (a replayed batch inserts nothing), before the batch is
 * committed. A plain BatchHandler, so a poison-safe consumer wrapper can take it as it is.
 */
export function notificationIntake(o: IntakeOptions): (batch: readonly LogRecord[]) => Promise<void> {
  const { publicUrl, ...rest } = o.fanOut;
  return async (batch) => {
    // With OC_HTTP_PORT=0 the links' port is known once the API is bound: wait for it rather than send localhost:0.
    await publicUrl.ready();
    const ctx: FanOutContext = { ...rest, publicUrl: publicUrl.get(), subscriptionsOf: (staffId) => o.store.subscriptionsOf(staffId) };
    let added = 0;
    let receipts = 0;
    for (const record of batch) {
      const n = notificationOf(record.value);
      if (!n) continue;
      const plan = fanOut(n, o.clock.now(), ctx);
      const fresh = o.store.addDeliveries(plan.deliveries, plan.receipts);
      added += fresh.length;
      receipts += plan.receipts.length;
      if (fresh.length > 0) {
        for (const reason of plan.unreachable) o.logger.warn({ notification: n.id, ticketId: n.ticketId, code: 'OC_NOTIFY_NO_CHANNEL' }, reason);
      }
    }
    if (added > 0) o.onDeliveries();
    if (receipts > 0) o.onReceipts();
  };
}
