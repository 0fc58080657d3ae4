import type { Agent } from 'node:https';
import webpush, { WebPushError } from 'web-push';
import type { Clock } from '../../shared/clock.ts';
import type { Delivery } from '../delivery.ts';
import type { PushSubscriptionRecord } from '../store/delivery-store.ts';
import { retryAfterMs } from './http-post.ts';
import type { Channel, SendResult } from './port.ts';
import type { VapidKeys } from './vapid-keys.ts';

/**
 * What the phone page's service worker receives (services/web/src/sw/push-message.ts reads it):
 * the title in the language the device was subscribed in, and what Accept and the receipts need.
 */
export function pushPayload(d: Delivery, lang: 'zh' | 'en' = d.message.lang): string {
  const m = d.message;
  return JSON.stringify({
    v: 1,
    deliveryId: d.id,
    ticketId: d.ticketId,
    kind: m.kind,
    priority: m.priority,
    lang,
    title: lang === 'en' ? m.message.en : m.message.zh,
    message: m.message,
    url: m.ticketUrl,
    actions: m.kind === 'ticket.dispatched' ? ['accept', 'open'] : ['open'],
  });
}

/**
 * Web Push with the `web-push` library: VAPID-signed, payload encrypted with
 * aes128gcm for the subscription's keys. 404/410 means the browser dropped the
 * subscription (the sender then deletes it); 429/5xx are retried.
 */
export class PushChannel implements Channel {
  readonly kind = 'push' as const;
  readonly mergeLimit = 1;

  constructor(
    private readonly vapid: VapidKeys,
    private readonly subscription: (id: string) => PushSubscriptionRecord | undefined,
    private readonly clock: Clock,
    private readonly timeoutMs: number,
    /** Only for tests: an agent trusting their loopback push service's certificate. */
    private readonly agent?: Agent,
  ) {}

  async send(target: string, deliveries: readonly Delivery[]): Promise<SendResult> {
    const s = this.subscription(target);
    if (!s) return { ok: false, retryable: false, reason: 'OC_NOTIFY_SUBSCRIPTION_GONE: the device was revoked', gone: true };
    const d = deliveries[0]!;
    try {
      await webpush.sendNotification({ endpoint: s.endpoint, keys: s.keys }, pushPayload(d, s.lang ?? d.message.lang), {
        vapidDetails: this.vapid,
        contentEncoding: 'aes128gcm',
        // A P1 is worth waking the phone for; the push service may drop it after an hour unsent.
        urgency: d.message.priority === 'P1' || d.message.priority === 'P2' ? 'high' : 'normal',
        TTL: 3600,
        timeout: this.timeoutMs,
        ...(this.agent ? { agent: this.agent } : {}),
      });
      return { ok: true };
    } catch (err) {
      if (err instanceof WebPushError) {
        const status = err.statusCode;
        const reason = `push service answered HTTP ${status}`;
        if (status === 404 || status === 410) return { ok: false, retryable: false, reason, gone: true };
        if (status === 408 || status === 429 || status >= 500) return { ok: false, retryable: true, reason, retryAfterMs: retryAfterMs(String(err.headers?.['retry-after'] ?? ''), this.clock.now()) };
        return { ok: false, retryable: false, reason };
      }
      return { ok: false, retryable: true, reason: `push request failed: ${(err as Error).message.slice(0, 120)}` };
    }
  }
}
