/**
 * The phone page's service worker (/sw.js, scope /m), built by services/web/build.ts:
 * keeps the page's shell so it opens with no signal, shows the notifier's pushes with
 * Accept and Open, and does what they say: notification-actions.ts. The API is never
 * cached: tickets and actions always go to the server (the page has its own queue).
 */
import { randomId } from '../logic/ids.ts';
import { NotificationActions, outcomeOf, type PostOutcome } from './notification-actions.ts';
import { isNotificationData, notificationFor, parsePushMessage } from './push-message.ts';
import { PHONE_SCOPE } from './paths.ts';
import { IdbOutbox, MemoryOutbox } from './sw-outbox.ts';

declare const self: ServiceWorkerGlobalScope;
/** Put in by the build: the phone page's files and their content version. */
declare const __OC_SHELL__: { version: string; urls: string[]; icon: string };

const SHELL = __OC_SHELL__;
const CACHE = `oc-phone-shell-${SHELL.version}`;
const PAGE = PHONE_SCOPE;
const SYNC_TAG = 'oc-notification-outbox';

/** Requests get a deadline, like every request of the page: a dead uplink must not hold an Accept for minutes. */
const REQUEST_TIMEOUT_MS = 20_000;

async function post(path: string, body: unknown): Promise<PostOutcome> {
  try {
    const res = await fetch(path, {
      method: 'POST',
      credentials: 'same-origin',
      headers: { 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify(body),
      signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS),
    });
    return await outcomeOf(res);
  } catch (err) {
    return { kind: 'retry', message: err instanceof Error ? err.message : String(err) };
  }
}

const outbox = typeof indexedDB === 'undefined' ? new MemoryOutbox() : new IdbOutbox(indexedDB);
const actions = new NotificationActions({
  outbox,
  post,
  newId: () => randomId(),
  now: () => Date.now(),
  async open(url) {
    const target = new URL(url, self.location.origin).href;
    const pages = await self.clients.matchAll({ type: 'window', includeUncontrolled: true });
    const page = pages.find((c) => new URL(c.url).pathname === PAGE) ?? pages[0];
    if (page) {
      const focused = await page.focus();
      await focused.navigate(target).catch(() => undefined);
      return;
    }
    await self.clients.openWindow(target);
  },
  async refused(ticketId, lang, message) {
    const title = lang === 'en' ? `Not accepted (${ticketId})` : `未能接单（${ticketId}）`;
    await self.registration.showNotification(title, { body: message, tag: `ticket-${ticketId}-refused`, icon: SHELL.icon });
  },
});

/**
 * After a send that got no answer: an open phone page is told, so it takes the Accept into
 * its own queue (shown as pending there, sent when it sees the signal back); and the browser
 * wakes the worker when the connection returns, where Background Sync exists.
 */
async function flushOrWait(): Promise<void> {
  await actions.flush();
  const waiting = await outbox.all();
  if (waiting.length === 0) return;
  if (waiting.some((i) => i.kind === 'action')) for (const page of await self.clients.matchAll({ type: 'window' })) page.postMessage({ type: 'outbox' });
  const sync = (self.registration as ServiceWorkerRegistration & { sync?: { register(tag: string): Promise<void> } }).sync;
  await sync?.register(SYNC_TAG).catch(() => undefined);
}

/**
 * A synthetic event (DevTools, a test) cannot extend its lifetime; the work still runs.
 * A real one keeps the worker alive until the work is done.
 */
function keepAlive(event: ExtendableEvent, work: Promise<unknown>): void {
  try {
    event.waitUntil(work);
  } catch {
    void work;
  }
}

self.addEventListener('install', (event) => {
  keepAlive(
    event,
    caches
      .open(CACHE)
      .then((cache) => cache.addAll(SHELL.urls))
      .then(() => self.skipWaiting()),
  );
});

self.addEventListener('activate', (event) => {
  keepAlive(
    event,
    (async () => {
      for (const key of await caches.keys()) if (key.startsWith('oc-phone-shell-') && key !== CACHE) await caches.delete(key);
      await self.clients.claim();
      await flushOrWait();
    })(),
  );
});

self.addEventListener('fetch', (event) => {
  const req = event.request;
  if (req.method !== 'GET') return;
  const url = new URL(req.url);
  if (url.origin !== self.location.origin) return;
  // The page: the network first (a new build shows at once), the kept shell when there is none.
  if (req.mode === 'navigate' && (url.pathname === PAGE || url.pathname === `${PAGE}/`)) {
    event.respondWith(fetch(req).catch(async () => (await caches.match(PAGE, { cacheName: CACHE })) ?? Response.error()));
    return;
  }
  // Content-hashed files never change: the kept copy is the right one.
  if (url.pathname.startsWith('/assets/') || url.pathname === '/manifest.webmanifest') {
    event.respondWith(caches.match(req, { cacheName: CACHE }).then((hit) => hit ?? fetch(req)));
  }
});

self.addEventListener('push', (event) => {
  const message = parsePushMessage(event.data?.text());
  const shown = message
    ? (() => {
        const spec = notificationFor(message, SHELL.icon);
        return self.registration.showNotification(spec.title, spec.options);
      })()
    : // A push must show something (browsers require it); one this page cannot read says only that there is news.
      self.registration.showNotification('OpenCompound', { body: '有新消息 · Something new', icon: SHELL.icon });
  keepAlive(event, Promise.all([shown, actions.flush()]));
});

self.addEventListener('notificationclick', (event) => {
  const n = event.notification;
  n.close();
  if (!isNotificationData(n.data)) {
    keepAlive(event, self.clients.openWindow(PAGE));
    return;
  }
  keepAlive(event, actions.click(n.data, event.action).then(flushOrWait));
});

self.addEventListener('sync', (event) => {
  const e = event as ExtendableEvent & { tag?: string };
  if (e.tag === SYNC_TAG) keepAlive(e, actions.flush());
});

/** The page says it is (back) online or just opened: send what waits. */
self.addEventListener('message', (event) => {
  const data = event.data as { type?: unknown } | null;
  if (data?.type === 'flush') keepAlive(event, flushOrWait());
});
