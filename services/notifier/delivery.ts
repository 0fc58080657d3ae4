import type { ChannelKind, ReceiptRecipient } from '../shared/delivery-receipt.ts';
import type { Bilingual } from '../alerting/domain/model.ts';

/** What every channel renders from: the notification with the ticket link and who it is for. */
export interface OutboundMessage {
  notificationId: string;
  ticketId: string;
  kind: string;
  priority: string;
  /** The ticket's line in both languages, as the alerting domain worded it. */
  message: Bilingual;
  /** When alerting queued it (ms). */
  at: number;
  /** Link to the ticket on the desk. */
  ticketUrl: string;
  /** Recipient's language first; both are always sent where the format allows. */
  lang: 'zh' | 'en';
  recipientName?: Bilingual | undefined;
}

export type DeliveryStatus = 'pending' | 'sending' | 'delivered' | 'given-up';

/**
 * One (notification, channel, recipient): the unit of exactly-once effect. Its id
 * is derived from the three, so a replayed notification maps onto the same row.
 */
export interface Delivery {
  id: string;
  notificationId: string;
  ticketId: string;
  channel: ChannelKind;
  recipient: ReceiptRecipient;
  /** Which configured endpoint (robot, webhook, subscription) within the channel. */
  target: string;
  /** Email address or phone number where the channel needs one: personal data, kept here and never put in a receipt or a log line. */
  address?: string | undefined;
  status: DeliveryStatus;
  attempts: number;
  nextAttemptAt: number;
  lastError?: string | undefined;
  message: OutboundMessage;
  createdAt: number;
  updatedAt: number;
}

export const deliveryIdOf = (notificationId: string, channel: ChannelKind, recipient: ReceiptRecipient, target: string): string =>
  `${notificationId}|${channel}|${recipient.kind}:${recipient.id}|${target}`;
