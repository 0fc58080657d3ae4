import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import type { LocatedDevice } from '../../logic/site-index.ts';
import { staffName, teamName, useDeskRefs } from '../desk-context.ts';

/** Where it is, who has it, and by when each step is due. */
export function TicketFacts({ ticket, now, device }: { ticket: Ticket; now: number; device: LocatedDevice | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site, roster } = useDeskRefs();
  const place = site?.place(ticket.subject.compoundId, ticket.subject.placeId);
  const a = ticket.assignment;
  const due = (label: Parameters<typeof t>[0], at: number, met: number | undefined) => (
    <div class={`fact ${met ? 'fact--met' : at < now ? 'fact--late' : ''}`}>
      <dt>{t(label)}</dt>
      <dd>
        {i18n.time(at, now)}
        {met ? ` ✓ ${i18n.time(met, now)}` : ''}
      </dd>
    </div>
  );
  return (
    <section class="panel facts" aria-labelledby="facts-title">
      <h2 id="facts-title">{t('ticket.where')}</h2>
      <dl class="facts__list">
        {place && (
          <div class="fact">
            <dt>{t('ticket.compound')}</dt>
            <dd>
              {i18n.name(place.community.name)} · {i18n.name(place.compound.name)}
            </dd>
          </div>
        )}
        {place?.building && (
          <div class="fact">
            <dt>{t('ticket.building')}</dt>
            <dd>
              <a href={`#/site/${place.building.id}`}>{i18n.name(place.building.name)}</a>
            </dd>
          </div>
        )}
        {place?.entranceName && (
          <div class="fact">
            <dt>{t('ticket.unit')}</dt>
            <dd>{i18n.name(place.entranceName)}</dd>
          </div>
        )}
        {place?.point && (
          <div class="fact">
            <dt>{t('ticket.point')}</dt>
            <dd>
              <a href={`#/site/${place.point.id}`}>{i18n.name(place.point.name)}</a>
              {place.point.note && <span class="muted"> · {i18n.name(place.point.note)}</span>}
            </dd>
          </div>
        )}
        {ticket.subject.deviceId && (
          <div class="fact">
            <dt>{t('ticket.device')}</dt>
            <dd>
              <span class="mono">{ticket.subject.deviceId}</span>
              {device && (
                <span class={`status-chip status--${device.status}`}>
                  <span class="dot" aria-hidden="true" />
                  {t(`site.status.${device.status}`)}
                </span>
              )}
            </dd>
          </div>
        )}
      </dl>
      <h2>{t('ticket.assignment')}</h2>
      <dl class="facts__list">
        <div class="fact">
          <dt>{t('ticket.assignment')}</dt>
          <dd>
            {a?.kind === 'staff'
              ? `${staffName(roster, a.staffId, i18n.lang)}${a.acceptedAt ? ` ✓ ${t('timeline.accepted')}` : ''}`
              : a?.kind === 'department'
                ? teamName(roster, a.departmentId, i18n.lang)
                : t('ticket.unassigned')}
          </dd>
        </div>
        {ticket.teamId && (
          <div class="fact">
            <dt>{t('ticket.team')}</dt>
            <dd>{teamName(roster, ticket.teamId, i18n.lang)}</dd>
          </div>
        )}
        {ticket.escalation.level > 0 && (
          <div class="fact fact--late">
            <dt>▲</dt>
            <dd>{t('ticket.escalation', { who: t(ticket.escalation.level === 1 ? 'ticket.escalation.1' : 'ticket.escalation.2') })}</dd>
          </div>
        )}
      </dl>
      <h2>{t('ticket.deadlines')}</h2>
      <dl class="facts__list">
        {due('ticket.ackBy', ticket.deadlines.acknowledgeBy, ticket.milestones.acknowledgedAt)}
        {due('ticket.arriveBy', ticket.deadlines.arriveBy, ticket.milestones.arrivedAt)}
        {due('ticket.resolveBy', ticket.deadlines.resolveBy, ticket.milestones.resolvedAt)}
      </dl>
    </section>
  );
}
