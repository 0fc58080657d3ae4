import type { Clock } from '../../shared/clock.ts';
import type { Delivery } from '../delivery.ts';
import { isAnswer, postWithTimeout, resultOfStatus } from './http-post.ts';
import type { Channel, SendResult } from './port.ts';
import { signWebhook } from './webhook-signature.ts';

export interface WebhookEndpoint {
  id: string;
  url: string;
  secret: string;
}

/** The JSON an integrator receives; `deliveryId` is the idempotency key (a retry after a lost answer repeats it). */
export function webhookBody(d: Delivery): string {
  const m = d.message;
  return JSON.stringify({
    v: 1,
    type: 'notification',
    deliveryId: d.id,
    notificationId: d.notificationId,
    ticketId: d.ticketId,
    kind: m.kind,
    priority: m.priority,
    message: m.message,
    ticketUrl: m.ticketUrl,
    at: m.at,
    recipient: d.recipient,
  });
}

/** Signed JSON webhook (Alertmanager's webhook_config, signed and replay-proof). */
export class WebhookChannel implements Channel {
  readonly kind = 'webhook' as const;
  readonly mergeLimit = 1;
  private readonly endpoints: Map<string, WebhookEndpoint>;

  constructor(endpoints: readonly WebhookEndpoint[], private readonly clock: Clock, private readonly timeoutMs: number) {
    this.endpoints = new Map(endpoints.map((e) => [e.id, e]));
  }

  async send(target: string, deliveries: readonly Delivery[]): Promise<SendResult> {
    const endpoint = this.endpoints.get(target);
    if (!endpoint) return { ok: false, retryable: false, reason: `webhook ${target} is no longer configured` };
    const d = deliveries[0]!;
    const body = webhookBody(d);
    const now = this.clock.now();
    const answer = await postWithTimeout(endpoint.url, body, {
      'content-type': 'application/json',
      'x-oc-signature': signWebhook(endpoint.secret, body, Math.floor(now / 1000)),
      'x-oc-delivery-id': d.id,
    }, this.timeoutMs);
    return isAnswer(answer) ? resultOfStatus(answer, now) : answer;
  }
}
