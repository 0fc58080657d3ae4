import { useMemo } from 'preact/hooks';
import { getTicket } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import { alertMoment } from '../../logic/chart-window.ts';
import { PriorityBadge, SlaTimer, StateChip } from '../../ui/badges.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useLoad, useNow } from '../../ui/hooks.ts';
import type { DeskData } from '../use-desk-data.ts';
import { ActionPanel } from './action-panel.tsx';
import { LevelChart } from './level-chart.tsx';
import { IncidentPanel } from './incident-panel.tsx';
import { LinkedEvents } from './linked-events.tsx';
import { PeopleReports } from './people-reports.tsx';
import { Deliveries } from './deliveries.tsx';
import { TicketFacts } from './ticket-facts.tsx';
import { Timeline } from './timeline.tsx';
import { useDeskRefs } from '../desk-context.ts';

/** One ticket: what, where, how late, what happened, and every action the role allows. */
export function TicketView({ id, data }: { id: string; data: DeskData }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site } = useDeskRefs();
  const now = useNow();
  // The stream tells the board a ticket changed; the detail reloads when its version moves.
  const liveVersion = data.tickets.find((x) => x.id === id)?.version;
  const detail = useLoad((signal) => getTicket(id, signal), [id, liveVersion]);
  const d = detail.data?.ticket.id === id ? detail.data : undefined;
  const ticket = d ? (liveVersion !== undefined && liveVersion > d.ticket.version ? data.tickets.find((x) => x.id === id)! : d.ticket) : undefined;
  const device = useMemo(() => site?.device(ticket?.subject.deviceId), [site, ticket?.subject.deviceId]);

  return (
    <article class="ticket" aria-labelledby="ticket-title" data-ticket={id}>
      <p class="ticket__back">
        <a href="#/">{t('ticket.back')}</a>
      </p>
      <ErrorBanner error={detail.error} onRetry={detail.reload} />
      {!ticket && !detail.error && <p class="empty">{t('app.loading')}</p>}
      {ticket && d && (
        <>
          <header class={`ticket__head ticket__head--${ticket.priority}`}>
            <div class="ticket__headline">
              <PriorityBadge priority={ticket.priority} />
              <h1 id="ticket-title">{i18n.name(ticket.title)}</h1>
              <StateChip state={ticket.state} />
            </div>
            <p class="ticket__sub">
              <span class="mono">{ticket.id}</span> · {t(`category.${ticket.category}`)} · {site ? site.placeLabel(ticket.subject, i18n.lang) : ''} · {t('ticket.opened', { at: i18n.time(ticket.openedAt, now) })} ·{' '}
              {ticket.conditionActive ? <span class="firing">{t('ticket.firing')}</span> : t('ticket.cleared')}
              {ticket.firingCount > 1 && <> · {t('ticket.fired', { n: ticket.firingCount })}</>}
            </p>
            <div class="ticket__sla">
              <SlaTimer ticket={ticket} now={now} large />
            </div>
          </header>
          <div class="ticket__grid">
            <div class="ticket__col">
              <ActionPanel ticket={ticket} onDone={(t2) => data.applyTicket(t2)} />
              <TicketFacts ticket={ticket} now={now} device={device} />
              <IncidentPanel ticket={ticket} now={now} />
            </div>
            <div class="ticket__col">
              {device?.kind === 'drain' && <LevelChart deviceId={device.id} alertAt={alertMoment(ticket, d.timeline, d.linkedEvents)} now={now} depthMm={device.drain?.depthMm ?? undefined} />}
              <PeopleReports ticket={ticket} now={now} />
              <Timeline entries={d.timeline} now={now} />
              <Deliveries ticketId={ticket.id} now={now} />
              <LinkedEvents events={d.linkedEvents} total={ticket.linkedEventCount} now={now} />
            </div>
          </div>
        </>
      )}
    </article>
  );
}
