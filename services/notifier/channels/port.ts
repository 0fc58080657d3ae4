import type { ChannelKind } from '../../shared/delivery-receipt.ts';
import type { Delivery } from '../delivery.ts';

/**
 * What one attempt came to. `retryable` false is a permanent refusal (a 4xx other
 * than 408/429, a robot refusing the signature): retrying would only repeat it.
 */
export type SendResult =
  | { ok: true }
  | { ok: false; retryable: boolean; reason: string; retryAfterMs?: number | undefined; gone?: boolean };

/**
 * One channel adapter. `send` gets one delivery, or several for the same target when
 * the channel merges (`mergeLimit` > 1: a rate-limited robot posts one summary).
 * Every request has a timeout; an adapter never throws for a receiver's fault.
 */
export interface Channel {
  readonly kind: ChannelKind;
  /** At most this many deliveries per message; 1 for channels that never merge. */
  readonly mergeLimit: number;
  /** Messages allowed per window for one target, if the receiver limits them. */
  readonly rateLimit?: { messages: number; perMs: number } | undefined;
  /** How many of these fit in one message (size limits); all when absent. */
  fit?(deliveries: readonly Delivery[]): number;
  send(target: string, deliveries: readonly Delivery[]): Promise<SendResult>;
  close?(): Promise<void>;
}
