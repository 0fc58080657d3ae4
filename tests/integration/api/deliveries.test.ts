import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { openReceiptBook, type ReceiptBook } from '../../../services/alerting/receipts/receipt-book.ts';
import type { Api } from '../../../services/api/app.ts';
import { createApi } from '../../../services/api/compose.ts';
import { createNotifier, type Notifier } from '../../../services/notifier/compose.ts';
import { loadNotifierConfig } from '../../../services/notifier/config.ts';
import { ManualClock, systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';
import { LoopbackReceiver } from '../../support/loopback-receiver.ts';
import { TEST_SECRET } from '../../support/notifier-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { SseReader } from '../../support/sse-reader.ts';

/**
 * Receipts on the ticket: a forced door opens a P1 in alerting, the notifier sends
 * it to a webhook, its receipts come back through oc.notifications, and the API
 * shows them per person and channel (and live); the shift's reachability warns of
 * people on duty with no working channel. No answer carries a secret.
 */
let h: AlertingHarness;
let receiver: LoopbackReceiver;
let notifier: Notifier;
let receipts: ReceiptBook;
let api: Api;
let dir: string;
beforeEach(async () => {
  h = await AlertingHarness.start(new ManualClock(Date.now()));
  dir = mkdtempSync(join(tmpdir(), 'oc-deliveries-'));
  receiver = await LoopbackReceiver.start();
  receiver.respond = (_r, i) => (i === 0 ? { status: 500 } : { status: 200 });
  const config = loadNotifierConfig(dir, 8080, { OC_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`, OC_NOTIFY_WEBHOOK_SECRET: TEST_SECRET, OC_NOTIFY_RETRY_BASE_MS: '20' });
  notifier = await createNotifier({ log: h.log, config, roster: h.alerting.roster, planner: h.alerting.planner, clock: systemClock, logger: silentLogger() });
  receipts = await openReceiptBook({ log: h.log, path: join(dir, 'receipts.db'), logger: silentLogger() });
  api = await createApi({ alerting: h.alerting, site: h.site, devices: h.devices, clock: systemClock, logger: silentLogger(), dataDir: dir, receipts });
});
afterEach(async () => {
  await api.app.close();
  await notifier.close();
  await receipts.close();
  await receiver.close();
  await h.close();
  rmSync(dir, { recursive: true, force: true });
});

it('shows what was sent for a ticket, failed then delivered, on the API and the live stream', async () => {
  const base = await api.app.listen({ host: '127.0.0.1', port: 0 });
  const desk = await ApiUser.signIn(api.app, 'desk');
  const stream = await SseReader.open(`${base}/api/stream`, desk.cookie);
  const opened = h.ticketWhere((t) => t.alertType === 'door.forced-open');
  await h.event('dl8-b1-u1-door', 'door.forced-open');
  const ticket = await opened;
  // The receiver failed the first request once: that delivery shows the retry.
  const delivered = await pollUntil('the retried webhook delivery on the ticket', async () => {
    const res = await desk.get(`/api/tickets/${ticket.id}/deliveries`);
    const list = (res.json() as { deliveries: Array<{ channel: string; status: string; history: Array<{ status: string; reason?: string }> }> }).deliveries;
    return list.find((d) => d.channel === 'webhook' && d.status === 'delivered' && d.history.length === 2);
  });
  expect(delivered.history.map((x) => x.status)).toEqual(['failed', 'delivered']);
  expect(delivered.history[0]!.reason).toBe('HTTP 500');
  const live = await stream.next((e) => e.event === 'delivery' && (e.data as { status: string }).status === 'delivered', 'a delivery receipt on the live stream');
  expect(live.data).toMatchObject({ ticketId: ticket.id, channel: 'webhook' });
  stream.close();

  const reach = await desk.get('/api/shift/reachability');
  expect(reach.statusCode).toBe(200);
  const people = (reach.json() as { people: Array<{ staffId: string; warning: string | null }> }).people;
  expect(people.length).toBeGreaterThan(0);
  // Nobody on shift has a push subscription or an email configured: each is warned about, and whoever
  // this ticket already tried to reach shows that it failed.
  expect(people.every((p) => p.warning === 'no-channel' || p.warning === 'last-delivery-failed')).toBe(true);
  expect(people.some((p) => p.warning === 'no-channel')).toBe(true);
  const guard = await ApiUser.signIn(api.app, 'guard');
  expect((await guard.get('/api/shift/reachability')).statusCode).toBe(403);
  expect((await desk.get(`/api/tickets/${ticket.id}/deliveries`)).body).not.toContain(TEST_SECRET);
});

it('lets a person turn on push for a browser, list their own devices and revoke one; never answering endpoint or keys', async () => {
  const api2 = await createApi({ alerting: h.alerting, site: h.site, devices: h.devices, clock: systemClock, logger: silentLogger(), dataDir: dir, receipts, pushDevices: notifier.pushDevices });
  try {
    const guard = await ApiUser.signIn(api2.app, 'guard');
    const desk = await ApiUser.signIn(api2.app, 'desk');
    // Whoever is on shift with no channel stops being warned about once a phone of theirs turned notifications on.
    const reach = async () => ((await desk.get('/api/shift/reachability')).json() as { people: Array<{ staffId: string; warning: string | null; pushDevices: number }> }).people;
    const unreachable = (await reach()).find((p) => p.warning === 'no-channel')!;
    expect(unreachable).toBeDefined();
    notifier.pushDevices.add({ id: 'their-phone', staffId: unreachable.staffId, endpoint: 'https://push.example/wpush/theirs', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) }, label: 'phone', createdAt: Date.now() });
    expect((await reach()).find((p) => p.staffId === unreachable.staffId)).toMatchObject({ warning: null, pushDevices: 1 });
    const key = (await guard.get('/api/push/key')).json() as { publicKey: string };
    expect(key.publicKey).toBe(notifier.vapidPublicKey);
    const sub = { endpoint: 'https://push.example/wpush/abc', keys: { p256dh: 'B'.repeat(87), auth: 'a'.repeat(22) }, label: 'my phone' };
    const created = await guard.post('/api/push/subscriptions', sub);
    expect(created.statusCode).toBe(201);
    const id = (created.json() as { id: string }).id;
    const mine = await guard.get('/api/push/subscriptions');
    expect(mine.json()).toEqual({ devices: [{ id, label: 'my phone', createdAt: expect.any(Number) as number }] });
    expect(mine.body).not.toContain('push.example');
    expect((await desk.get('/api/push/subscriptions')).json()).toEqual({ devices: [] });
    expect((await desk.delete(`/api/push/subscriptions/${id}`)).statusCode).toBe(404);
    expect((await guard.post('/api/push/subscriptions', { ...sub, endpoint: 'http://insecure' })).statusCode).toBe(400);
    // The page's language switched: that device's notifications follow it; nobody else may change it.
    expect((await guard.put(`/api/push/subscriptions/${id}`, { lang: 'en' })).statusCode).toBe(204);
    expect(notifier.store.subscription(id)?.lang).toBe('en');
    expect((await desk.put(`/api/push/subscriptions/${id}`, { lang: 'zh' })).statusCode).toBe(404);
    expect((await guard.put(`/api/push/subscriptions/${id}`, { lang: 'fr' })).statusCode).toBe(400);
    expect(notifier.store.subscription(id)?.lang).toBe('en');
    expect((await guard.delete(`/api/push/subscriptions/${id}`)).statusCode).toBe(204);
    expect((await guard.get('/api/push/subscriptions')).json()).toEqual({ devices: [] });
  } finally {
    await api2.app.close();
  }
});

it('records "opened" and "accepted from the notification" from the phone as receipts through the log, for the person’s own push only', async () => {
  const api2 = await createApi({ alerting: h.alerting, site: h.site, devices: h.devices, clock: systemClock, logger: silentLogger(), dataDir: dir, receipts, pushDevices: notifier.pushDevices });
  try {
    const guard = await ApiUser.signIn(api2.app, 'guard'); // chen-gang
    const plumber = await ApiUser.signIn(api2.app, 'plumber'); // kong-deming
    const desk = await ApiUser.signIn(api2.app, 'desk');
    // A push delivery to chen-gang as the notifier records one (its device is gone, so it ends given up; the ids are what count).
    const opened = h.ticketWhere((t) => t.alertType === 'door.forced-open');
    await h.event('dl8-b1-u1-door', 'door.forced-open');
    const ticketId = (await opened).id;
    const delivery = {
      id: `${ticketId}/v2/0|push|person:chen-gang|sub-x`,
      notificationId: `${ticketId}/v2/0`,
      ticketId,
      channel: 'push' as const,
      recipient: { kind: 'person' as const, id: 'chen-gang' },
      target: 'sub-x',
      status: 'pending' as const,
      attempts: 0,
      nextAttemptAt: Date.now(),
      message: { notificationId: `${ticketId}/v2/0`, ticketId, kind: 'ticket.dispatched', priority: 'P1', message: { zh: '派单', en: 'Dispatched' }, at: Date.now(), ticketUrl: '', lang: 'zh' as const },
      createdAt: Date.now(),
      updatedAt: Date.now(),
    };
    notifier.store.addDeliveries([delivery], []);
    notifier.sender.kick();
    await pollUntil('the push attempt made', () => notifier.store.get(delivery.id)?.status === 'given-up');

    expect((await plumber.post('/api/push/receipts', { deliveryId: delivery.id, status: 'clicked' })).statusCode).toBe(404);
    expect((await guard.post('/api/push/receipts', { deliveryId: 'made-up', status: 'clicked' })).statusCode).toBe(404);
    const bad = await guard.post('/api/push/receipts', { deliveryId: delivery.id, status: 'liked' });
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST' });

    expect((await guard.post('/api/push/receipts', { deliveryId: delivery.id, status: 'clicked' })).statusCode).toBe(202);
    // The worker retrying after a lost answer, or a second tap: still one receipt. It goes out before the accept, so
    // once the accept is on the ticket, a repeat that had been stored would be there too.
    expect((await guard.post('/api/push/receipts', { deliveryId: delivery.id, status: 'clicked' })).statusCode).toBe(202);
    expect((await guard.post('/api/push/receipts', { deliveryId: delivery.id, status: 'accepted' })).statusCode).toBe(202);
    const shown = await pollUntil('the receipts on the ticket', async () => {
      const list = ((await desk.get(`/api/tickets/${ticketId}/deliveries`)).json() as { deliveries: Array<{ deliveryId: string; status: string; recipient: unknown; history: Array<{ status: string }> }> }).deliveries;
      const d = list.find((x) => x.deliveryId === delivery.id);
      return d?.history.some((x) => x.status === 'accepted') ? d : undefined;
    });
    expect(shown.history.map((x) => x.status)).toEqual(['given-up', 'clicked', 'accepted']);
    expect(shown).toMatchObject({ status: 'accepted', recipient: { kind: 'person', id: 'chen-gang' } });
  } finally {
    await api2.app.close();
  }
});
