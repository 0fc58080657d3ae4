import { useEffect, useRef, useState } from 'preact/hooks';
import { actOnTicket, newActionId } from '../api/endpoints.ts';
import { ApiError } from '../api/http.ts';
import type { ActionResult } from '../api/types.ts';
import type { I18n } from '../i18n/context.tsx';
import { ActionQueue, type QueuedAction, type SendOutcome } from '../logic/action-queue.ts';
import { errorText } from '../ui/error-text.ts';
import { askWorkerToFlush, reportAcceptedFromNotification, takeNotificationAccepts } from './phone-worker.ts';

/** A phone action gets longer than a desk click: a slow mobile uplink is not a failure. */
const PHONE_ACTION_TIMEOUT_MS = 20_000;

export interface QueueNotice {
  id: string;
  kind: 'done' | 'refused';
  text: string;
}

/**
 * The outbox of one signed-in person on this phone, tried again when the phone comes
 * back online, on a timer, and whenever the page loads.
 */
export function useActionQueue(login: string, i18n: I18n, onResult: (r: ActionResult) => void, onRefused: () => void) {
  const [pending, setPending] = useState<readonly QueuedAction[]>([]);
  const [notices, setNotices] = useState<QueueNotice[]>([]);
  const [online, setOnline] = useState(() => navigator.onLine);
  const i18nRef = useRef(i18n);
  i18nRef.current = i18n;
  const callbacks = useRef({ onResult, onRefused });
  callbacks.current = { onResult, onRefused };
  const queueRef = useRef<ActionQueue | undefined>(undefined);

  useEffect(() => {
    const notify = (n: Omit<QueueNotice, 'id'>) => setNotices((list) => [...list.slice(-3), { ...n, id: newActionId() }]);
    const queue = new ActionQueue({
      storage: localStorage,
      storageKey: `oc.phone.queue.${login}`,
      newId: newActionId,
      now: Date.now,
      timers: { setTimeout: (fn, ms) => setTimeout(fn, ms), clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>) },
      send: (a) => send(a, i18nRef.current),
      events: {
        onChange: () => setPending([...queue.pending()]),
        onDone: (a, result) => {
          callbacks.current.onResult(result as ActionResult);
          if (a.deliveryId) void reportAcceptedFromNotification(a.deliveryId, Date.now());
          notify({ kind: 'done', text: i18nRef.current.t('phone.done', { action: i18nRef.current.t(`action.${a.action}`), ticket: a.ticketId }) });
        },
        onRefused: (a, message) => {
          notify({ kind: 'refused', text: i18nRef.current.t('phone.refused', { ticket: a.ticketId, why: message }) });
          callbacks.current.onRefused();
        },
      },
    });
    queueRef.current = queue;
    setPending([...queue.pending()]);
    // Accepts tapped on notifications with no signal join this queue: shown as pending, sent like the rest.
    const takeOver = () =>
      void takeNotificationAccepts().then((accepts) => {
        for (const a of accepts) queue.adopt(a);
        void askWorkerToFlush();
      });
    void queue.flush();
    takeOver();
    const up = () => {
      setOnline(true);
      void queue.flush();
      takeOver();
    };
    const down = () => setOnline(false);
    // The worker kept an Accept tapped on a notification with no signal: it joins this queue now.
    const fromWorker = (e: MessageEvent) => (e.data as { type?: unknown } | null)?.type === 'outbox' && takeOver();
    addEventListener('online', up);
    addEventListener('offline', down);
    navigator.serviceWorker?.addEventListener('message', fromWorker);
    return () => {
      queue.stop();
      removeEventListener('online', up);
      removeEventListener('offline', down);
      navigator.serviceWorker?.removeEventListener('message', fromWorker);
    };
  }, [login]);

  return {
    pending,
    online,
    notices,
    dismiss: (id: string) => setNotices((list) => list.filter((n) => n.id !== id)),
    enqueue: (ticketId: string, action: QueuedAction['action'], note?: string) => queueRef.current?.enqueue(ticketId, action, note),
    retryNow: () => void queueRef.current?.flush(),
  };
}

async function send(a: QueuedAction, i18n: I18n): Promise<SendOutcome> {
  try {
    const result = await actOnTicket(a.ticketId, a.action, a.actionId, a.note ? { note: a.note } : {}, PHONE_ACTION_TIMEOUT_MS);
    return { kind: 'done', result };
  } catch (err) {
    const message = errorText(err, i18n);
    if (!(err instanceof ApiError)) return { kind: 'retry', message };
    if (err.unauthenticated) return { kind: 'unauthenticated', message };
    if (err.retriable) return { kind: 'retry', message };
    return { kind: 'refused', message, ...(err.code ? { code: err.code } : {}) };
  }
}
