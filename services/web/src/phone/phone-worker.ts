/**
 * The page's side of the service worker (services/web/src/sw/): registers it for /m,
 * asks it to send what it holds when the page opens or comes back online, and takes the
 * Accepts tapped on notifications into the page's own action queue.
 */
import { apiFetch, ApiError } from '../api/http.ts';
import { SERVICE_WORKER_URL, PHONE_SCOPE } from '../sw/paths.ts';
import { PUSH_RECEIPTS_PATH } from '../sw/push-receipt.ts';
import { receiptItemId, IdbOutbox, type OutboxItem } from '../sw/sw-outbox.ts';

export const workerSupported = (): boolean => 'serviceWorker' in navigator;
export const pushSupported = (): boolean => workerSupported() && 'PushManager' in window && 'Notification' in window;

let registration: Promise<ServiceWorkerRegistration | undefined> | undefined;

/** Registers once per page load; resolves undefined where there are no service workers (or the browser refused). */
export function phoneWorker(): Promise<ServiceWorkerRegistration | undefined> {
  registration ??= workerSupported() ? navigator.serviceWorker.register(SERVICE_WORKER_URL, { scope: PHONE_SCOPE }).catch(() => undefined) : Promise.resolve(undefined);
  return registration;
}

/** The worker sends the outbox (receipts, Accepts it still holds). */
export async function askWorkerToFlush(): Promise<void> {
  const reg = await phoneWorker();
  (reg?.active ?? navigator.serviceWorker?.controller)?.postMessage({ type: 'flush' });
}

const outbox = (): IdbOutbox | undefined => (typeof indexedDB === 'undefined' ? undefined : new IdbOutbox(indexedDB));

/** Accepts tapped on a notification that the worker could not send: handed over to the page (and gone from the worker's outbox). */
export async function takeNotificationAccepts(): Promise<Extract<OutboxItem, { kind: 'action' }>[]> {
  const box = outbox();
  if (!box) return [];
  try {
    const actions = (await box.all()).filter((i): i is Extract<OutboxItem, { kind: 'action' }> => i.kind === 'action');
    for (const a of actions) await box.remove(a.id);
    return actions;
  } catch {
    return [];
  }
}

/**
 * The page's queue sent an Accept that came from a notification: the page, which just got
 * an answer, reports the receipt itself; if that fails, the worker's outbox keeps it.
 */
export async function reportAcceptedFromNotification(deliveryId: string, now: number): Promise<void> {
  try {
    await apiFetch(PUSH_RECEIPTS_PATH, { method: 'POST', body: { deliveryId, status: 'accepted' } });
    return;
  } catch (err) {
    if (err instanceof ApiError && !err.retriable && !err.unauthenticated) return; // refused for good: nothing to keep
  }
  const box = outbox();
  if (!box) return;
  await box.put({ id: receiptItemId(deliveryId, 'accepted'), kind: 'receipt', deliveryId, status: 'accepted', queuedAt: now, attempts: 0 }).catch(() => undefined);
  await askWorkerToFlush();
}
