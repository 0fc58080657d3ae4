import { useCallback, useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { getSitePlan, listTickets } from '../api/endpoints.ts';
import { LiveConnection, type LiveState } from '../api/live.ts';
import type { ActionResult, Ticket } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { projectPending } from '../logic/phone-view.ts';
import { SiteIndex } from '../logic/site-index.ts';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { Forbidden } from '../ui/forbidden.tsx';
import { useLoad, useNow } from '../ui/hooks.ts';
import { Icon } from '../ui/icons.tsx';
import { LangSwitch } from '../ui/lang-switch.tsx';
import type { SessionApi } from '../ui/session-gate.tsx';
import { DispatchCard } from './dispatch-card.tsx';
import { MyShiftPanel } from './my-shift.tsx';
import { NotificationsPanel } from './notifications-panel.tsx';
import { phoneWorker } from './phone-worker.ts';
import { ticketInUrlHash } from '../sw/push-message.ts';
import { useActionQueue } from './use-action-queue.ts';

const ACTIVE = ['dispatched', 'on_site'] as const;

/** The staff page: my dispatches, big buttons, and nothing lost to a bad signal. */
export function PhoneApp({ session }: { session: SessionApi }) {
  if (session.user.role !== 'staff') return <Forbidden message="forbidden.phone" link={{ href: '/', label: 'forbidden.toDesk' }} onSignOut={session.signOut} />;
  return <Phone session={session} />;
}

function Phone({ session }: { session: SessionApi }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { user } = session;
  const now = useNow();
  const [tickets, setTickets] = useState<Map<string, Ticket>>(new Map());
  const [loadError, setLoadError] = useState<unknown>();
  const [loaded, setLoaded] = useState(false);
  const [live, setLive] = useState<LiveState>('connecting');
  const [onDuty, setOnDuty] = useState<boolean | undefined>(undefined);
  const site = useLoad(async (signal) => new SiteIndex(await getSitePlan(signal)), []);
  const loading = useRef<AbortController | undefined>(undefined);

  const upsert = useCallback(
    (ticket: Ticket) =>
      setTickets((m) => {
        const held = m.get(ticket.id);
        if (held && held.version > ticket.version) return m;
        const next = new Map(m);
        // Taken away from me (re-dispatched, transferred): it leaves my list.
        if (ticket.assignment?.kind !== 'staff' || ticket.assignment.staffId !== user.staffId) next.delete(ticket.id);
        else next.set(ticket.id, ticket);
        return next;
      }),
    [user.staffId],
  );

  const reload = useCallback(() => {
    loading.current?.abort();
    const controller = new AbortController();
    loading.current = controller;
    Promise.all([listTickets({ mine: true, state: [...ACTIVE] }, controller.signal), listTickets({ mine: true, state: ['resolved', 'closed'], limit: 5 }, controller.signal)])
      .then(([active, recent]) => {
        setTickets(new Map([...active, ...recent].map((x) => [x.id, x])));
        setLoadError(undefined);
        setLoaded(true);
      })
      .catch((err: unknown) => !controller.signal.aborted && setLoadError(err));
  }, []);

  useEffect(() => {
    const withdraw = (id: string) =>
      setTickets((m) => {
        const next = new Map(m);
        next.delete(id);
        return next;
      });
    const conn = new LiveConnection({ onTicket: upsert, onWithdrawn: withdraw, onState: setLive, onResync: reload });
    conn.start();
    return () => {
      conn.close();
      loading.current?.abort();
    };
  }, [upsert, reload]);

  // The installable app's worker: the shell for a dead signal, the notifications and their Accept.
  useEffect(() => void phoneWorker(), []);
  // Opened from a notification (/m#/ticket/…): that dispatch comes into view once it is on the list.
  const [hash, setHash] = useState(() => location.hash);
  useEffect(() => {
    // The worker points an open page at the ticket by changing only the hash.
    const changed = () => setHash(location.hash);
    addEventListener('hashchange', changed);
    return () => removeEventListener('hashchange', changed);
  }, []);
  const focusTicket = ticketInUrlHash(hash);
  useEffect(() => {
    if (focusTicket && tickets.has(focusTicket)) document.querySelector(`[data-ticket="${CSS.escape(focusTicket)}"]`)?.scrollIntoView({ block: 'start' });
  }, [focusTicket, tickets]);

  const queue = useActionQueue(user.login, i18n, (r: ActionResult) => upsert(r.ticket), reload);
  const shown = useMemo(() => [...tickets.values()].map((x) => projectPending(x, queue.pending)), [tickets, queue.pending]);
  const active = shown.filter((x) => x.state === 'dispatched' || x.state === 'on_site').sort((a, b) => a.priority.localeCompare(b.priority) || a.openedAt - b.openedAt);
  const done = shown.filter((x) => x.state === 'resolved' || x.state === 'closed').sort((a, b) => b.updatedAt - a.updatedAt);
  const offline = !queue.online || live === 'down';

  return (
    <div class="phone">
      <header class="phone__top">
        <div>
          <h1>{t('phone.title')}</h1>
          <p class="muted">
            {i18n.name(user.name)} · {t('user.role.staff')}
          </p>
        </div>
        <div class="phone__tools">
          <LangSwitch />
          <button type="button" class="btn btn--ghost" onClick={session.signOut}>
            {t('signin.out')}
          </button>
        </div>
      </header>

      {offline && (
        <p class="banner banner--offline" role="status">
          {t('phone.offline')}
        </p>
      )}
      {queue.pending.length > 0 && (
        <p class="banner banner--pending" role="status" data-pending={queue.pending.length}>
          {t('phone.pending', { n: queue.pending.length })}
          {queue.pending[0]?.lastError && <span class="banner__why"> · {queue.pending[0].lastError}</span>}
          <button type="button" class="btn btn--small" onClick={queue.retryNow}>
            {t('err.retry')}
          </button>
        </p>
      )}
      <div aria-live="polite">
        {queue.notices.map((n) => (
          <p key={n.id} class={`banner banner--${n.kind}`}>
            <span>{n.text}</span>
            <button type="button" class="btn btn--ghost btn--small" aria-label={t('alarm.dismiss')} onClick={() => queue.dismiss(n.id)}>
              <Icon name="close" />
            </button>
          </p>
        ))}
      </div>
      <ErrorBanner error={loadError} onRetry={reload} />

      <main class="phone__list">
        {!loaded && !loadError && <p class="empty">{t('app.loading')}</p>}
        <MyShiftPanel now={now} onLoaded={setOnDuty} />
        {loaded && active.length === 0 && (
          <p class="empty" data-testid="nothing-assigned">
            {t(onDuty === undefined ? 'phone.empty' : onDuty ? 'phone.emptyOnDuty' : 'phone.emptyOffDuty')}
          </p>
        )}
        {active.map((x) => (
          <DispatchCard key={x.id} ticket={x} now={now} site={site.data} pending={queue.pending.filter((a) => a.ticketId === x.id).length} onAction={(action, note) => queue.enqueue(x.id, action, note)} />
        ))}
        {done.length > 0 && (
          <section aria-labelledby="recent-title" class="phone__recent">
            <h2 id="recent-title">{t('phone.recent')}</h2>
            {done.map((x) => (
              <DispatchCard key={x.id} ticket={x} now={now} site={site.data} pending={queue.pending.filter((a) => a.ticketId === x.id).length} onAction={() => undefined} />
            ))}
          </section>
        )}
        <NotificationsPanel login={user.login} />
      </main>
    </div>
  );
}
