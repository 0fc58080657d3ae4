import type { PushInteraction } from '../api/routes/push-devices.ts';
import type { DeliveryReceipt } from '../shared/delivery-receipt.ts';
import type { Delivery } from './delivery.ts';

/**
 * The receipt for what a person did with a push notification: opened it, or accepted the
 * dispatch from it. Only for a push delivery made to that very person, so nobody can mark
 * someone else's notification. Its id carries no time, so a repeated report (the service
 * worker retrying after a lost answer, a second tap) is one receipt.
 */
export function interactionReceipt(d: Delivery | undefined, staffId: string, status: PushInteraction, now: number): DeliveryReceipt | undefined {
  if (!d || d.channel !== 'push' || d.recipient.kind !== 'person' || d.recipient.id !== staffId) return undefined;
  return {
    v: 1,
    id: `${d.id}#${status}`,
    deliveryId: d.id,
    notificationId: d.notificationId,
    ticketId: d.ticketId,
    channel: d.channel,
    recipient: d.recipient,
    status,
    attempt: d.attempts,
    at: now,
  };
}
