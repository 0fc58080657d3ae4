import { Agent } from 'node:https';
import type { BrowserContext, CDPSession, Page, Worker } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Ticket } from '../../services/alerting/domain/tickets/types.ts';
import type { EdgeAgent } from '../../edge-agent/agent.ts';
import { ApiUser } from '../support/api-user.ts';
import { LoopbackReceiver } from '../support/loopback-receiver.ts';
import { TEST_SECRET } from '../support/notifier-harness.ts';
import { pollUntil } from '../support/poll-until.ts';
import { selfSignedCert } from '../support/self-signed-cert.ts';
import { TestSubscriber, verifyVapid } from '../support/test-push-service.ts';
import { chromiumAvailability, TestBrowser } from './support/chromium.ts';
import { DeskStack } from './support/desk-stack.ts';
import { collectPageErrors, pngSize, Screenshots, signIn, UI_DEADLINE_MS } from './support/pages.ts';

/**
 * Issue 15's phone notifications in real Chromium, against the whole platform on loopback:
 * the guard turns notifications on from the phone page (its service worker registers, the
 * browser subscribes with the platform's VAPID key), a forced door is dispatched to them, the
 * notifier's Web Push goes to a loopback push service that checks the VAPID signature and
 * decrypts it as the browser would, and that very payload is delivered to the service worker
 * over the DevTools protocol (ServiceWorker.deliverPushMessage): the notification shows with
 * Accept and Open, and Accept, tapped with no signal, reaches the API once the signal is back.
 *
 * The one hop replaced: headless Chromium has no push service of its own (its subscribe needs
 * Google's), so `pushManager.subscribe` hands the page the loopback service's subscription
 * (endpoint and the keys of a TestSubscriber). Everything else is the page's and the worker's
 * own code.
 */
const DOOR = 'dl8-b5-u1-door';
const SECOND_DOOR = 'dl8-b6-u2-door';
const availability = chromiumAvailability();
if (!availability.run) console.warn(`browser tests skipped: ${availability.reason}`);

describe.skipIf(!availability.run)(`phone notifications in Chromium${availability.run ? '' : ` (skipped: ${availability.reason})`}`, () => {
  let stack: DeskStack;
  let browser: TestBrowser;
  let pushService: LoopbackReceiver;
  let webhook: LoopbackReceiver;
  let door: EdgeAgent;
  let phoneContext: BrowserContext;
  let phone: Page;
  let cdp: CDPSession;
  let worker: Worker;
  let phoneErrors: string[];
  let ticket: Ticket;
  let guard: { id: string };
  const subscriber = new TestSubscriber();
  const registrations = new Map<string, string>();
  const shots = new Screenshots();

  beforeAll(async () => {
    const tls = selfSignedCert();
    pushService = await LoopbackReceiver.start(tls);
    pushService.respond = (r) => {
      const check = verifyVapid(r, pushService.url, Math.floor(Date.now() / 1000));
      return check.ok ? { status: 201 } : { status: 401, body: check.reason };
    };
    // An integrator's webhook beside the push, failing once, so the ticket shows a retry too.
    webhook = await LoopbackReceiver.start();
    webhook.respond = (_r, i) => (i === 0 ? { status: 503 } : { status: 200 });
    stack = await DeskStack.start({ notifier: { env: { OC_NOTIFY_WEBHOOK_URL: `${webhook.url}/oc`, OC_NOTIFY_WEBHOOK_SECRET: TEST_SECRET }, pushAgent: new Agent({ ca: tls.cert }) } });
    door = stack.door(DOOR);
    browser = await TestBrowser.launch({ clock: stack.clock });
    const onDuty = stack.alerting.planner.onDuty(stack.clock.now(), 'security').filter((s) => s.role === 'staff');
    guard = onDuty[0]!;

    phoneContext = await browser.phone(stack.baseUrl);
    await phoneContext.grantPermissions(['notifications'], { origin: stack.baseUrl });
    await phoneContext.addInitScript({
      content: `(() => {
        const sub = { endpoint: ${JSON.stringify(`${pushService.url}/wpush/guard-phone`)}, expirationTime: null, keys: ${JSON.stringify(subscriber.keys)} };
        let current = null;
        const make = () => ({ endpoint: sub.endpoint, expirationTime: null, toJSON: () => sub, unsubscribe: async () => { current = null; return true; } });
        PushManager.prototype.subscribe = async function (options) {
          if (!options || !options.applicationServerKey || options.userVisibleOnly !== true) throw new DOMException('bad subscribe options', 'NotAllowedError');
          window.__ocSubscribedWithKey = btoa(String.fromCharCode(...new Uint8Array(options.applicationServerKey))).replace(/\\+/g, '-').replace(/\\//g, '_').replace(/=+$/, '');
          current = make();
          return current;
        };
        PushManager.prototype.getSubscription = async function () { return current; };
      })();`,
    });
    phone = await phoneContext.newPage();
    phoneErrors = collectPageErrors(phone);
    cdp = await phoneContext.newCDPSession(phone);
    cdp.on('ServiceWorker.workerRegistrationUpdated', (e) => {
      for (const r of e.registrations) if (!r.isDeleted) registrations.set(r.scopeURL, r.registrationId);
    });
    await cdp.send('ServiceWorker.enable');
  });

  afterAll(async () => {
    await phoneContext?.close();
    await browser?.close();
    await door?.close();
    await stack?.close();
    await webhook?.close();
    await pushService?.close();
  });

  it('installs as an app: manifest, icons, and a service worker controlling /m', async () => {
    await signIn(phone, '/m', guard.id, `${guard.id}-demo`, '[data-testid=push-panel][data-state=off]');
    const manifestHref = await phone.locator('link[rel=manifest]').getAttribute('href');
    expect(manifestHref).toBe('/manifest.webmanifest');
    const manifest = (await (await phone.request.get(manifestHref!)).json()) as { start_url: string; display: string; icons: unknown[] };
    expect(manifest).toMatchObject({ start_url: '/m', display: 'standalone' });
    expect(manifest.icons.length).toBeGreaterThanOrEqual(2);
    const scope = await phone.evaluate(async () => (await navigator.serviceWorker.ready).scope);
    expect(scope).toBe(`${stack.baseUrl}/m`);
    worker = phoneContext.serviceWorkers()[0] ?? (await phoneContext.waitForEvent('serviceworker'));
    expect(worker.url()).toBe(`${stack.baseUrl}/sw.js`);
    // The shell is kept for a page opened with no signal.
    const kept = await worker.evaluate(async () => {
      const names = await caches.keys();
      const cache = await caches.open(names.find((n) => n.startsWith('oc-phone-shell-'))!);
      return (await cache.keys()).map((r) => new URL(r.url).pathname);
    });
    expect(kept).toEqual(expect.arrayContaining(['/m', '/manifest.webmanifest']));
    expect(kept.some((p) => p.startsWith('/assets/phone-'))).toBe(true);
  });

  it('turns notifications on from the page: subscribed with the VAPID key, the device listed and known to the notifier', async () => {
    await phone.locator('[data-testid=push-panel] button.btn--primary').click();
    await phone.locator('[data-testid=push-panel][data-state=on]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(await phone.evaluate('window.__ocSubscribedWithKey')).toBe(stack.notifier.vapidPublicKey);
    await phone.locator('.push-panel__devices li').first().waitFor({ timeout: UI_DEADLINE_MS });
    expect(await phone.locator('.push-panel__devices li').count()).toBe(1);
    expect(await phone.locator('.push-panel__devices li').textContent()).toContain('本机');
    const subs = stack.notifier.store.subscriptionsOf(guard.id);
    expect(subs).toMatchObject([{ endpoint: `${pushService.url}/wpush/guard-phone`, keys: subscriber.keys, lang: 'zh' }]);

    // Notifications follow the page's language: English, then back to Chinese for the rest of the file.
    const lang = () => stack.notifier.store.subscriptionsOf(guard.id)[0]?.lang;
    await phone.locator('.phone__top .lang-switch').click();
    await expect.poll(lang, { timeout: UI_DEADLINE_MS }).toBe('en');
    await phone.locator('.phone__top .lang-switch').click();
    await expect.poll(lang, { timeout: UI_DEADLINE_MS }).toBe('zh');
  });

  it('a dispatch reaches the phone as a notification in the guard’s language with Accept and Open', async () => {
    const opened = stack.ticket((t) => t.subject.deviceId === DOOR && t.alertType === 'door.forced-open');
    door.emitEvent('door.forced-open', { reason: 'opened-without-grant' });
    ticket = await opened;
    const desk = await ApiUser.signIn(stack.api.app, 'desk');
    expect((await desk.act(ticket.id, 'acknowledge')).statusCode).toBe(200);
    expect((await desk.act(ticket.id, 'dispatch', { staffId: guard.id })).statusCode).toBe(200);

    const push = await pollUntil('the dispatch pushed to the loopback push service', () => pushService.requests.find((r) => r.url === '/wpush/guard-phone'), { timeoutMs: UI_DEADLINE_MS });
    expect(verifyVapid(push, pushService.url, Math.floor(Date.now() / 1000))).toMatchObject({ ok: true, publicKey: stack.notifier.vapidPublicKey });
    const payload = subscriber.decrypt(push.raw);
    expect(JSON.parse(payload)).toMatchObject({ ticketId: ticket.id, kind: 'ticket.dispatched', lang: 'zh', actions: ['accept', 'open'] });

    await deliverPush(payload);
    const shown = await notifications();
    expect(shown).toHaveLength(1);
    expect(shown[0]!.title).toMatch(/^派单/);
    expect(shown[0]!.actions).toEqual([
      { action: 'accept', title: '接单' },
      { action: 'open', title: '查看' },
    ]);
    expect(shown[0]!.data).toMatchObject({ ticketId: ticket.id, canAccept: true });
  });

  it('Open reports "opened" on the ticket; Accept tapped with no signal waits, shows on the page, and reaches the API once back', async () => {
    await tapNotification('open');
    const deliveryId = () => stack.receipts.forTicket(ticket.id).find((d) => d.channel === 'push' && d.recipient.id === guard.id);
    await pollUntil('the "opened" receipt', () => deliveryId()?.status === 'clicked' || undefined, { timeoutMs: UI_DEADLINE_MS });

    // The same push again (a reminder would do the same), then Accept on it with the phone offline.
    await deliverPush(subscriber.decrypt(pushService.requests.find((r) => r.url === '/wpush/guard-phone')!.raw));
    await notifications();
    await phoneContext.setOffline(true);
    await tapNotification('accept');
    // The worker could not send it and kept it; the open page takes it into its own queue: pending like any action it made itself.
    await phone.locator('.banner--pending[data-pending="1"]').waitFor({ timeout: UI_DEADLINE_MS });
    expect(stack.alerting.store.getTicket(ticket.id)!.ticket.state).toBe('dispatched');
    await phone.locator(`article[data-ticket="${ticket.id}"][data-state=dispatched]`).waitFor({ timeout: UI_DEADLINE_MS });
    await phoneContext.setOffline(false);
    await expect.poll(() => stack.alerting.store.getTicket(ticket.id)!.ticket.assignment, { timeout: UI_DEADLINE_MS }).toMatchObject({ acceptedAt: expect.any(Number) });
    await phone.locator('.banner--pending').waitFor({ state: 'detached', timeout: UI_DEADLINE_MS });
    expect(stack.timeline(ticket.id).filter((e) => e.action === 'accepted')).toHaveLength(1);
    expect(stack.timeline(ticket.id).find((e) => e.action === 'accepted')!.actor).toMatchObject({ kind: 'person', id: guard.id });

    const push = await pollUntil('the "accepted from the notification" receipt', () => (deliveryId()?.status === 'accepted' ? deliveryId() : undefined), { timeoutMs: UI_DEADLINE_MS });
    expect(push.history.map((h) => h.status)).toEqual(['delivered', 'clicked', 'accepted']);
    expect(phoneErrors.filter((e) => !/Failed to load resource|ERR_INTERNET_DISCONNECTED|net::/.test(e))).toEqual([]);
  });

  it('Accept tapped with the signal on goes straight from the worker to the API, applied once, with its receipt', async () => {
    const second = stack.door(SECOND_DOOR);
    const opened = stack.ticket((t) => t.subject.deviceId === SECOND_DOOR && t.alertType === 'door.forced-open');
    second.emitEvent('door.forced-open', { reason: 'opened-without-grant' });
    const t2 = await opened;
    const desk = await ApiUser.signIn(stack.api.app, 'desk');
    expect((await desk.act(t2.id, 'acknowledge')).statusCode).toBe(200);
    expect((await desk.act(t2.id, 'dispatch', { staffId: guard.id })).statusCode).toBe(200);
    const push = await pollUntil('the second dispatch pushed', () => pushService.requests.find((r) => r.url === '/wpush/guard-phone' && subscriber.decrypt(r.raw).includes(t2.id)), { timeoutMs: UI_DEADLINE_MS });
    await deliverPush(subscriber.decrypt(push.raw));
    await tapNotification('accept');
    await expect.poll(() => stack.alerting.store.getTicket(t2.id)!.ticket.assignment, { timeout: UI_DEADLINE_MS }).toMatchObject({ acceptedAt: expect.any(Number) });
    expect(stack.timeline(t2.id).filter((e) => e.action === 'accepted')).toHaveLength(1);
    const receipt = await pollUntil('the accepted receipt', () => stack.receipts.forTicket(t2.id).find((d) => d.channel === 'push' && d.status === 'accepted'), { timeoutMs: UI_DEADLINE_MS });
    expect(receipt.history.map((h) => h.status)).toEqual(['delivered', 'accepted']);
    // The page never queued it: the worker sent it.
    expect(await phone.locator('.banner--pending').count()).toBe(0);
  });

  it('shows the receipts on the desk’s ticket page, per person and channel', async () => {
    const deskContext = await browser.desk(stack.baseUrl);
    try {
      const desk = await deskContext.newPage();
      await signIn(desk, `/#/ticket/${ticket.id}`, 'desk', 'desk-demo', `article.ticket[data-ticket="${ticket.id}"]`);
      const section = desk.locator(`[data-deliveries="${ticket.id}"]`);
      await section.locator('li.delivery[data-status=accepted]').waitFor({ timeout: UI_DEADLINE_MS });
      await section.locator('li.delivery[data-status=delivered]').first().waitFor({ timeout: UI_DEADLINE_MS });
      const push = section.locator('li.delivery[data-status=accepted]');
      expect(await push.textContent()).toContain('已从通知接单');
      expect(await push.locator('.delivery__steps li').allTextContents()).toEqual([expect.stringContaining('已送达'), expect.stringContaining('已打开'), expect.stringContaining('已从通知接单')]);
      await section.scrollIntoViewIfNeeded();
      const png = await shots.take(desk, 'desk-ticket-receipts');
      expect(pngSize(png)).toEqual({ width: 1920, height: 1080 });
      expect(await desk.content()).not.toContain(TEST_SECRET);
    } finally {
      await deskContext.close();
    }
  });

  /**
   * What the browser does when its push service hands it a message: the service worker's push
   * event. DevTools' delivery to a worker that is stopped or starting can be dropped on a loaded
   * machine (a push service would deliver again what the browser did not take), so a push that
   * shows nothing within a few seconds is delivered again; the notification's tag is the ticket,
   * so a second delivery never makes a second notification.
   */
  async function deliverPush(data: string): Promise<void> {
    const registrationId = await pollUntil('the service worker registration for /m', () => registrations.get(`${stack.baseUrl}/m`), { timeoutMs: UI_DEADLINE_MS });
    await pollUntil(
      'the push shown',
      async () => {
        await cdp.send('ServiceWorker.deliverPushMessage', { origin: stack.baseUrl, registrationId, data });
        return (await shownWithin(5_000)) || undefined;
      },
      { timeoutMs: UI_DEADLINE_MS * 2 },
    );
  }

  const shownWithin = (ms: number): Promise<boolean> =>
    pollUntil('the push shown', async () => ((await listNotifications()).length > 0 ? true : undefined), { timeoutMs: ms }).catch(() => false);

  /** The worker as it runs now (Chromium stops an idle worker and starts a new one for the next event). */
  const currentWorker = (): Worker => phoneContext.serviceWorkers().at(-1) ?? worker;

  // Strings: this runs in the worker, whose globals the Node-side type check does not know.
  const listNotifications = async () =>
    (await currentWorker().evaluate(
      `self.registration.getNotifications().then((ns) => ns.map((n) => ({ title: n.title, body: n.body, actions: n.actions.map((a) => ({ action: a.action, title: a.title })), data: n.data })))`,
    )) as { title: string; body: string; actions: { action: string; title: string }[]; data: unknown }[];

  /** The notifications the worker shows, once there is one. */
  function notifications() {
    return pollUntil('a notification on screen', async () => {
      const list = await listNotifications();
      return list.length > 0 ? list : undefined;
    }, { timeoutMs: UI_DEADLINE_MS });
  }

  /**
   * A tap on a notification button. Chromium has no DevTools command that clicks one, so the
   * worker gets the notificationclick event the browser would send it, for the notification on screen.
   */
  async function tapNotification(action: 'accept' | 'open'): Promise<void> {
    await currentWorker().evaluate(`(async () => {
      const [n] = await self.registration.getNotifications();
      if (!n) throw new Error('no notification to tap');
      self.dispatchEvent(new NotificationEvent('notificationclick', { notification: n, action: ${JSON.stringify(action)} }));
    })()`);
  }
});
