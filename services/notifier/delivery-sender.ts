import type { Clock } from '../shared/clock.ts';
import type { DeliveryReceipt, ReceiptStatus } from '../shared/delivery-receipt.ts';
import type { Logger } from '../shared/logger.ts';
import type { Channel, SendResult } from './channels/port.ts';
import { RateWindow } from './channels/rate-window.ts';
import type { Delivery } from './delivery.ts';
import { nextDelayMs, type RetryPolicy } from './retry-policy.ts';
import type { DeliveryStore } from './store/delivery-store.ts';

export interface SenderOptions {
  store: DeliveryStore;
  channels: readonly Channel[];
  retry: RetryPolicy;
  clock: Clock;
  logger: Logger;
  /** Receipts were queued: publish them. */
  onReceipts(): void;
  /** A push service said the subscription is gone (404/410). */
  onSubscriptionGone?(subscriptionId: string): void;
  maxInFlight?: number;
  random?: () => number;
}

type Outcome = Pick<Delivery, 'id' | 'status' | 'nextAttemptAt' | 'lastError' | 'updatedAt'>;

/**
 * Sends what is due, one request per delivery (or one summary per robot when
 * several wait for it), recording the attempt before the request and its outcome
 * after, each with its receipt in the same transaction. A crash between the two
 * leaves the delivery `sending`; the next start sends it again with the same
 * delivery id, which receivers use to drop the repeat.
 */
export class DeliverySender {
  private readonly channels = new Map<string, Channel>();
  private readonly windows = new Map<string, RateWindow>();
  private readonly inFlight = new Set<string>();
  private readonly sends = new Set<Promise<void>>();
  private timer: NodeJS.Timeout | undefined;
  private closed = false;
  private ticking = false;
  private again = false;

  constructor(private readonly o: SenderOptions) {
    for (const c of o.channels) {
      this.channels.set(c.kind, c);
      if (c.rateLimit) this.windows.set(c.kind, new RateWindow(c.rateLimit.messages, c.rateLimit.perMs));
    }
  }

  start(): void {
    const resumed = this.o.store.resumeInterrupted(this.o.clock.now());
    if (resumed > 0) this.o.logger.warn({ resumed }, 'deliveries interrupted mid-send are sent again (same delivery id, so receivers drop a repeat)');
    this.kick();
  }

  /** Something became due: look now. */
  kick(): void {
    if (this.closed) return;
    if (this.ticking) {
      this.again = true;
      return;
    }
    clearTimeout(this.timer);
    this.timer = setTimeout(() => this.tick(), 0);
  }

  /** Waits for the requests in flight (each has its timeout), then stops. */
  async close(): Promise<void> {
    this.closed = true;
    clearTimeout(this.timer);
    await Promise.allSettled([...this.sends]);
    for (const c of this.channels.values()) await c.close?.();
  }

  private tick(): void {
    if (this.closed) return;
    this.ticking = true;
    try {
      const now = this.o.clock.now();
      const room = (this.o.maxInFlight ?? 32) - this.sends.size;
      const due = room > 0 ? this.o.store.due(now, 1000).filter((d) => !this.inFlight.has(d.id)) : [];
      const groups = new Map<string, Delivery[]>();
      for (const d of due) {
        const key = `${d.channel}\u0000${d.target}`;
        groups.set(key, [...(groups.get(key) ?? []), d]);
      }
      let started = 0;
      for (const list of groups.values()) {
        const channel = this.channels.get(list[0]!.channel);
        if (!channel) {
          this.finish(list, { ok: false, retryable: false, reason: `channel ${list[0]!.channel} is not configured any more` }, now);
          continue;
        }
        started += this.startGroup(channel, list, now, room - started);
        if (started >= room) break;
      }
      this.scheduleNext();
    } catch (err) {
      this.o.logger.error({ err }, 'delivery loop failed; trying again in a second');
      this.timer = setTimeout(() => this.tick(), 1000);
    } finally {
      this.ticking = false;
      if (this.again) {
        this.again = false;
        this.kick();
      }
    }
  }

  /** Starts the sends one channel target allows now; returns how many requests began. */
  private startGroup(channel: Channel, list: Delivery[], now: number, room: number): number {
    const target = list[0]!.target;
    const window = this.windows.get(channel.kind);
    let rest = list;
    let started = 0;
    while (rest.length > 0 && started < room) {
      const freeAt = window?.freeAt(target, now) ?? now;
      if (freeAt > now) {
        // The robot's window is full: these wait, and will go as one summary when it reopens.
        this.o.store.recordOutcome(rest.map((d) => ({ id: d.id, status: 'pending', nextAttemptAt: freeAt, lastError: d.lastError, updatedAt: now })), []);
        return started;
      }
      const count = Math.max(1, Math.min(channel.mergeLimit, channel.fit?.(rest) ?? rest.length));
      const chunk = rest.slice(0, count);
      rest = rest.slice(count);
      window?.record(target, now);
      this.send(channel, target, chunk, now);
      started++;
    }
    return started;
  }

  private send(channel: Channel, target: string, chunk: Delivery[], now: number): void {
    const ids = chunk.map((d) => d.id);
    this.o.store.markSending(ids, now);
    for (const id of ids) this.inFlight.add(id);
    const sent = chunk.map((d) => ({ ...d, attempts: d.attempts + 1 }));
    const p = channel
      .send(target, sent)
      .catch((err: unknown): SendResult => ({ ok: false, retryable: true, reason: `adapter failed: ${(err as Error).message}` }))
      .then((result) => this.finish(sent, result, this.o.clock.now()))
      .catch((err: unknown) => this.o.logger.error({ err, deliveries: ids.length }, 'could not record a delivery outcome; it is sent again on the next start'))
      .finally(() => {
        for (const id of ids) this.inFlight.delete(id);
        this.sends.delete(p);
        this.kick();
      });
    this.sends.add(p);
  }

  private finish(chunk: Delivery[], result: SendResult, now: number): void {
    const outcomes: Outcome[] = [];
    const receipts: DeliveryReceipt[] = [];
    const merged = chunk.length > 1 ? { mergedCount: chunk.length } : {};
    for (const d of chunk) {
      const base = { v: 1 as const, deliveryId: d.id, notificationId: d.notificationId, ticketId: d.ticketId, channel: d.channel, recipient: d.recipient, attempt: d.attempts, at: now };
      const receipt = (status: ReceiptStatus, extra: Partial<DeliveryReceipt> = {}) => receipts.push({ ...base, id: `${d.id}#${d.attempts}#${status}`, status, ...extra });
      if (result.ok) {
        outcomes.push({ id: d.id, status: 'delivered', nextAttemptAt: now, lastError: undefined, updatedAt: now });
        receipt('delivered', merged);
        continue;
      }
      const log = { delivery: d.id, channel: d.channel, recipient: `${d.recipient.kind}:${d.recipient.id}`, ticketId: d.ticketId, attempt: d.attempts };
      if (result.gone && d.channel === 'push') {
        const reason = `OC_NOTIFY_SUBSCRIPTION_GONE: ${result.reason}`;
        outcomes.push({ id: d.id, status: 'given-up', nextAttemptAt: now, lastError: reason, updatedAt: now });
        receipt('given-up', { reason });
        this.o.onSubscriptionGone?.(d.target);
        this.o.logger.warn({ ...log, reason }, 'push subscription gone: deleted');
      } else if (!result.retryable || d.attempts >= this.o.retry.maxAttempts) {
        const reason = result.retryable ? `OC_NOTIFY_GAVE_UP after ${d.attempts} attempts: ${result.reason}` : `OC_NOTIFY_REFUSED: ${result.reason}`;
        outcomes.push({ id: d.id, status: 'given-up', nextAttemptAt: now, lastError: reason, updatedAt: now });
        receipt('given-up', { reason });
        this.o.logger.error({ ...log, reason }, 'notification given up');
      } else {
        const next = now + nextDelayMs(this.o.retry, d.attempts, result.retryAfterMs, this.o.random);
        outcomes.push({ id: d.id, status: 'pending', nextAttemptAt: next, lastError: result.reason, updatedAt: now });
        receipt('failed', { reason: result.reason, nextAttemptAt: next });
        this.o.logger.warn({ ...log, reason: result.reason, retryInMs: next - now }, 'notification not delivered; will retry');
      }
    }
    this.o.store.recordOutcome(outcomes, receipts);
    this.o.onReceipts();
  }

  private scheduleNext(): void {
    if (this.closed) return;
    const next = this.o.store.nextDueAt();
    if (next === undefined) return;
    clearTimeout(this.timer);
    const delay = Math.min(60_000, Math.max(0, next - this.o.clock.now()));
    // Due now but all in flight: their completion kicks; no busy loop.
    this.timer = setTimeout(() => this.tick(), delay === 0 && this.sends.size > 0 ? 50 : delay);
  }
}
