import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';

/**
 * A grouped incident on the ticket page (issue 14): the incident this ticket belongs to, the
 * manholes of a storm with their own tickets, the alerts kept here as evidence (inhibited under
 * an outage, a night's motion bursts, a manhole's rapid rise), and an unmet duty.
 */
export function IncidentPanel({ ticket, now }: { ticket: Ticket; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const children = ticket.children ?? [];
  const evidence = ticket.evidence ?? [];
  if (!ticket.parentId && children.length === 0 && evidence.length === 0 && !ticket.unmetDuty) return null;
  return (
    <section class="panel incident" aria-labelledby="incident-title">
      <h2 id="incident-title">{t('incident.title')}</h2>
      {ticket.unmetDuty && <p class="unmet-duty">{i18n.name(ticket.unmetDuty.reason)}</p>}
      {ticket.parentId && (
        <p class="incident__parent">
          {t('incident.partOf')} <a href={`#/ticket/${ticket.parentId}`}>{ticket.parentId}</a>
        </p>
      )}
      {children.length > 0 && (
        <ul class="child-lines child-lines--ticket">
          {children.map((c) => (
            <li key={c.deviceId} class={`child-line child-line--${c.alertState}`} data-device={c.deviceId}>
              <span class="child-line__name">{i18n.name(c.name)}</span>
              <span class="child-line__state">{t(c.alertState === 'firing' ? 'strip.firing' : 'strip.resolved')}</span>
              {c.ticketId ? <a href={`#/ticket/${c.ticketId}`}>{c.ticketId}</a> : <span class="muted">{t('board.childNoTicket')}</span>}
            </li>
          ))}
        </ul>
      )}
      {evidence.length > 0 && (
        <>
          <h3>{t('incident.evidence', { n: evidence.length })}</h3>
          <ol class="evidence">
            {evidence.map((e) => (
              <li key={`${e.alertId}-${e.at}`} class={`evidence__item evidence__item--${e.why}`}>
                <span class="mono">{i18n.time(e.at, now)}</span> {i18n.name(e.summary)}
                {typeof e.facts?.snapshotUri === 'string' && <span class="muted"> · {e.facts.snapshotUri}</span>}
              </li>
            ))}
          </ol>
        </>
      )}
    </section>
  );
}
