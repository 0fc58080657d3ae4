import { useEffect, useRef, useState } from 'preact/hooks';
import { addPushDevice, getPushKey, listPushDevices, revokePushDevice, setPushDeviceLang } from '../api/endpoints.ts';
import { useI18n } from '../i18n/context.tsx';
import { applicationServerKey, deviceLabel, subscriptionBody } from '../logic/push-device.ts';
import { errorText } from '../ui/error-text.ts';
import { useLoad } from '../ui/hooks.ts';
import { phoneWorker, pushSupported } from './phone-worker.ts';

type PushState = 'checking' | 'unsupported' | 'blocked' | 'off' | 'on';

/** Which of the person's devices is this browser: the id the API gave its subscription, kept per person. */
const thisDeviceKey = (login: string) => `oc.phone.push.${login}`;
const readThisDevice = (login: string): string | null => {
  try {
    return localStorage.getItem(thisDeviceKey(login));
  } catch {
    return null;
  }
};
const writeThisDevice = (login: string, id: string | null) => {
  try {
    if (id) localStorage.setItem(thisDeviceKey(login), id);
    else localStorage.removeItem(thisDeviceKey(login));
  } catch {
    // private mode: the list just does not mark this phone
  }
};

/**
 * Notifications for this phone: the button that turns them on (the browser asks for
 * permission, subscribes with the platform's VAPID key, the API keeps the subscription
 * with the page's language), and the person's devices, each one removable.
 */
export function NotificationsPanel({ login }: { login: string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [state, setState] = useState<PushState>('checking');
  const [busy, setBusy] = useState(false);
  const [problem, setProblem] = useState<string | undefined>();
  const [thisDevice, setThisDevice] = useState(() => readThisDevice(login));
  const devices = useLoad((signal) => listPushDevices(signal), [login]);

  useEffect(() => {
    if (!pushSupported()) return setState('unsupported');
    if (Notification.permission === 'denied') return setState('blocked');
    let gone = false;
    void phoneWorker()
      .then(async (reg) => {
        const sub = await reg?.pushManager.getSubscription();
        if (!gone) setState(reg ? (sub && thisDevice ? 'on' : 'off') : 'unsupported');
      })
      .catch(() => !gone && setState('off'));
    return () => {
      gone = true;
    };
  }, [thisDevice]);

  // Notifications follow the page's language: on opening, and on every switch, the notifier is told for this phone.
  const subscribedLang = useRef<string | undefined>(undefined);
  useEffect(() => {
    if (state !== 'on' || !thisDevice || subscribedLang.current === i18n.lang) return;
    subscribedLang.current = i18n.lang;
    setPushDeviceLang(thisDevice, i18n.lang).catch(() => undefined);
  }, [i18n.lang, state, thisDevice]);

  // A device removed elsewhere (or dropped by its push service) is no longer "on" here.
  const listed = devices.data;
  const on = state === 'on' && (!listed || listed.some((d) => d.id === thisDevice));

  const turnOn = async () => {
    setBusy(true);
    setProblem(undefined);
    try {
      const permission = await Notification.requestPermission();
      if (permission !== 'granted') {
        setState(permission === 'denied' ? 'blocked' : 'off');
        return;
      }
      const reg = await phoneWorker();
      if (!reg) throw new Error(t('push.unsupported'));
      const ready = await navigator.serviceWorker.ready;
      const key = await getPushKey();
      const sub = (await ready.pushManager.getSubscription()) ?? (await ready.pushManager.subscribe({ userVisibleOnly: true, applicationServerKey: applicationServerKey(key) }));
      const body = subscriptionBody(sub.toJSON(), deviceLabel(navigator.userAgent), i18n.lang);
      if (!body) throw new Error('the browser gave no subscription keys');
      const created = await addPushDevice(body);
      writeThisDevice(login, created.id);
      subscribedLang.current = i18n.lang;
      setThisDevice(created.id);
      setState('on');
      devices.reload();
    } catch (err) {
      setProblem(t('push.failed', { why: errorText(err, i18n) }));
    } finally {
      setBusy(false);
    }
  };

  const revoke = async (id: string) => {
    setProblem(undefined);
    try {
      await revokePushDevice(id);
      if (id === thisDevice) {
        const sub = await (await phoneWorker())?.pushManager.getSubscription();
        await sub?.unsubscribe();
        writeThisDevice(login, null);
        setThisDevice(null);
        setState('off');
      }
    } catch (err) {
      setProblem(errorText(err, i18n));
    }
    devices.reload();
  };

  return (
    <section class="push-panel" data-testid="push-panel" data-state={on ? 'on' : state === 'on' ? 'off' : state} aria-labelledby="push-title">
      <h2 id="push-title">{t('push.title')}</h2>
      {state === 'unsupported' && <p class="muted">{t('push.unsupported')}</p>}
      {state === 'blocked' && <p class="muted">{t('push.blocked')}</p>}
      {on && <p>{t('push.on')}</p>}
      {!on && (state === 'off' || state === 'on') && (
        <>
          <p class="muted">{t('push.off')}</p>
          <button type="button" class="btn btn--primary btn--block" disabled={busy} onClick={() => void turnOn()}>
            {t(busy ? 'push.turningOn' : 'push.turnOn')}
          </button>
        </>
      )}
      {problem && (
        <p class="banner banner--refused" role="alert">
          {problem}
        </p>
      )}
      {listed && state !== 'unsupported' && (
        <>
          <h3>{t('push.devices')}</h3>
          {listed.length === 0 && <p class="muted">{t('push.noDevices')}</p>}
          <ul class="push-panel__devices">
            {listed.map((d) => (
              <li key={d.id} data-device={d.id}>
                <span>
                  <strong>{d.label}</strong>
                  {d.id === thisDevice && <span class="muted"> · {t('push.thisDevice')}</span>}
                  <br />
                  <span class="muted num">{t('push.since', { date: i18n.dateTime(d.createdAt) })}</span>
                  {d.lastError && <span class="push-panel__error"> · {t('push.lastError', { why: d.lastError })}</span>}
                </span>
                <button type="button" class="btn btn--ghost btn--small" onClick={() => void revoke(d.id)}>
                  {t('push.revoke')}
                </button>
              </li>
            ))}
          </ul>
        </>
      )}
    </section>
  );
}
