/**
 * The delivery receipt: what the notifier publishes on `oc.notifications` for every
 * attempt it makes (and for a notification nobody could be reached for), keyed by
 * ticket id. Alerting and the API read receipts from the log only, never the
 * notifier's own tables, so a notifier on another machine changes nothing for them.
 */
export const RECEIPT_STATUSES = ['delivered', 'failed', 'given-up', 'clicked', 'accepted'] as const;
export type ReceiptStatus = (typeof RECEIPT_STATUSES)[number];

export const CHANNEL_KINDS = ['webhook', 'push', 'dingtalk', 'wecom', 'feishu', 'email', 'sms', 'none'] as const;
export type ChannelKind = (typeof CHANNEL_KINDS)[number];

/** Who a delivery is for: a person on the roster, a group robot, a partner department or an integrator's endpoint. */
export interface ReceiptRecipient {
  kind: 'person' | 'group' | 'department' | 'integrator';
  id: string;
}

export interface DeliveryReceipt {
  v: 1;
  /** `${deliveryId}#${attempt}#${status}` (`${deliveryId}#${status}` for clicked and accepted): stable, so a replayed receipt is recognised. */
  id: string;
  /** `${notificationId}|${channel}|${recipient.kind}:${recipient.id}`: the unit of exactly-once effect. */
  deliveryId: string;
  notificationId: string;
  ticketId: string;
  channel: ChannelKind;
  recipient: ReceiptRecipient;
  status: ReceiptStatus;
  attempt: number;
  at: number;
  /** Why it failed or was given up (never a secret or a full address). */
  reason?: string;
  /** failed: when the next attempt is due. */
  nextAttemptAt?: number;
  /** delivered as part of a summary message of this many notifications (a robot's rate limit). */
  mergedCount?: number;
}

/** Null for anything that is not a receipt this code knows; readers dead-letter or skip it. */
export function parseReceipt(value: Buffer | string): DeliveryReceipt | null {
  let body: unknown;
  try {
    body = JSON.parse(value.toString());
  } catch {
    return null;
  }
  const r = body as Partial<DeliveryReceipt> | null;
  if (!r || r.v !== 1 || typeof r.id !== 'string' || typeof r.deliveryId !== 'string' || typeof r.ticketId !== 'string') return null;
  if (!(RECEIPT_STATUSES as readonly string[]).includes(r.status as string)) return null;
  if (!(CHANNEL_KINDS as readonly string[]).includes(r.channel as string)) return null;
  if (typeof r.attempt !== 'number' || typeof r.at !== 'number' || !r.recipient || typeof r.recipient.id !== 'string') return null;
  return r as DeliveryReceipt;
}
