import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { verifyWebhook } from '../../../services/notifier/channels/webhook-signature.ts';
import { LoopbackReceiver, type ReceivedRequest } from '../../support/loopback-receiver.ts';
import { NotifierHarness, TEST_SECRET } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * The signed webhook end to end: a notification on oc.tickets, the notifier, a
 * loopback receiver checking the wire format, and the receipts back through
 * oc.notifications into the ticket's delivery list. Each receiver fault once.
 */
let receiver: LoopbackReceiver;
let h: NotifierHarness;
beforeEach(async () => {
  receiver = await LoopbackReceiver.start();
  h = await NotifierHarness.start({ OC_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`, OC_NOTIFY_WEBHOOK_SECRET: TEST_SECRET });
});
afterEach(async () => {
  await h.close();
  await receiver.close();
});

const ofTicket = (ticketId: string) => receiver.requests.filter((r) => (JSON.parse(r.body) as { ticketId: string }).ticketId === ticketId);
const deliveryOf = (ticketId: string, channel = 'webhook') => h.receipts.forTicket(ticketId).find((d) => d.channel === channel);
const finalDelivery = (ticketId: string, status: string) =>
  pollUntil(`the ${ticketId} webhook delivery to be ${status}`, () => {
    const d = deliveryOf(ticketId);
    return d?.status === status ? d : undefined;
  });

function expectSigned(r: ReceivedRequest): void {
  const check = verifyWebhook(TEST_SECRET, r.body, r.headers['x-oc-signature'] as string, Math.floor(Date.now() / 1000));
  expect(check).toMatchObject({ ok: true });
  expect(r.headers['content-type']).toBe('application/json');
}

describe('signed webhook', () => {
  it('delivers a P1 within moments, signed over "<t>.<body>", with the ticket link, and the receipt reaches the ticket', async () => {
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'delivered');
    const [req] = ofTicket(n.ticketId);
    expect(req!.url).toBe('/hook');
    expectSigned(req!);
    const body = JSON.parse(req!.body) as Record<string, unknown>;
    expect(body).toMatchObject({ v: 1, type: 'notification', notificationId: n.id, ticketId: n.ticketId, priority: 'P1', kind: 'ticket.opened', message: n.message });
    expect(body.ticketUrl).toBe(`http://localhost:8080/#/ticket/${n.ticketId}`);
    expect(req!.headers['x-oc-delivery-id']).toBe(body.deliveryId);
    expect(d).toMatchObject({ recipient: { kind: 'integrator', id: 'env-webhook' }, attempts: 1 });
    // A tampered body or an old timestamp fails the receiver's check.
    expect(verifyWebhook(TEST_SECRET, req!.body.replace('P1', 'P4'), req!.headers['x-oc-signature'] as string, Math.floor(Date.now() / 1000))).toEqual({ ok: false, reason: 'mismatch' });
    expect(verifyWebhook(TEST_SECRET, req!.body, req!.headers['x-oc-signature'] as string, Math.floor(Date.now() / 1000) + 600)).toEqual({ ok: false, reason: 'stale' });
  });

  it('sends a notification the log hands out twice only once', async () => {
    const n = await h.publish();
    await h.append(n);
    const marker = await h.publish();
    await finalDelivery(marker.ticketId, 'delivered');
    await finalDelivery(n.ticketId, 'delivered');
    expect(ofTicket(n.ticketId)).toHaveLength(1);
  });

  it('retries a 500 with back-off and delivers; the ticket shows failed then delivered', async () => {
    receiver.respond = (_r, i) => (i === 0 ? { status: 500, body: 'upstream down' } : { status: 200 });
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'delivered');
    expect(d.history.map((x) => x.status)).toEqual(['failed', 'delivered']);
    expect(d.history[0]!.reason).toContain('HTTP 500');
    const reqs = ofTicket(n.ticketId);
    expect(reqs).toHaveLength(2);
    expect(reqs[0]!.headers['x-oc-delivery-id']).toBe(reqs[1]!.headers['x-oc-delivery-id']);
    expect(h.logger.lines.some((l) => l.msg === 'notification not delivered; will retry' && String(l.reason).includes('HTTP 500'))).toBe(true);
  });

  it('honours Retry-After on a 429', async () => {
    receiver.respond = (_r, i) => (i === 0 ? { status: 429, headers: { 'retry-after': '1' } } : { status: 200 });
    const n = await h.publish();
    await finalDelivery(n.ticketId, 'delivered');
    const [first, second] = ofTicket(n.ticketId);
    // The back-off alone would be ~20 ms; the receiver asked for a second.
    expect(second!.at - first!.at).toBeGreaterThanOrEqual(950);
  });

  it('times out a receiver that hangs and retries it', async () => {
    receiver.respond = (_r, i) => (i === 0 ? 'hang' : { status: 200 });
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'delivered');
    expect(d.history[0]).toMatchObject({ status: 'failed', reason: 'no answer within 400 ms' });
  });

  it('retries a receiver that closes the socket', async () => {
    receiver.respond = (_r, i) => (i === 0 ? 'destroy' : { status: 200 });
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'delivered');
    expect(d.history[0]!.reason).toMatch(/^connection failed/);
  });

  it('does not retry a permanent refusal (410, 400) and keeps it given up with the reason', async () => {
    receiver.respond = () => ({ status: 410, body: 'gone' });
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'given-up');
    expect(d.reason).toMatch(/^OC_NOTIFY_REFUSED: HTTP 410/);
    receiver.respond = () => ({ status: 400 });
    const m = await h.publish();
    await finalDelivery(m.ticketId, 'given-up');
    expect(ofTicket(n.ticketId)).toHaveLength(1);
    expect(ofTicket(m.ticketId)).toHaveLength(1);
    expect(h.logger.lines.some((l) => l.msg === 'notification given up' && l.ticketId === n.ticketId)).toBe(true);
  });

  it('gives up after the last attempt, saying why', async () => {
    receiver.respond = () => ({ status: 503 });
    const n = await h.publish();
    const d = await finalDelivery(n.ticketId, 'given-up');
    expect(d.reason).toBe('OC_NOTIFY_GAVE_UP after 4 attempts: HTTP 503');
    expect(ofTicket(n.ticketId)).toHaveLength(4);
  });

  it('records a person with no channel as given up on the ticket, with a log line', async () => {
    const n = await h.publish({ kind: 'ticket.dispatched', to: { staffId: 'chen-gang' }, priority: 'P1' });
    const none = await pollUntil('the no-channel receipt', () => deliveryOf(n.ticketId, 'none'));
    expect(none).toMatchObject({ status: 'given-up', recipient: { kind: 'person', id: 'chen-gang' } });
    expect(none.reason).toMatch(/^OC_NOTIFY_NO_CHANNEL/);
    expect(h.logger.lines.some((l) => l.code === 'OC_NOTIFY_NO_CHANNEL' && String(l.msg).includes('chen-gang'))).toBe(true);
    // The integrator still hears of it.
    await finalDelivery(n.ticketId, 'delivered');
  });

  it('never writes the webhook secret to the log', async () => {
    receiver.respond = (_r, i) => (i === 0 ? { status: 500 } : { status: 200 });
    const n = await h.publish();
    await finalDelivery(n.ticketId, 'delivered');
    expect(h.logText()).not.toContain(TEST_SECRET);
  });
});
