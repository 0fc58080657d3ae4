import type { Alert } from '../../../../alerting/domain/alerts/alert.ts';
import { useI18n } from '../../i18n/context.tsx';
import { PriorityBadge } from '../../ui/badges.tsx';

/**
 * The live alert strip (issue 14): the signals the rules fire, ticket or not, newest first.
 * A rapid rise that falls back or one burst of motion lives here, not on the board; each
 * chip says what became of the alert (a ticket, a line of an incident, evidence, nothing).
 */
export function AlertStrip({ alerts, now }: { alerts: readonly Alert[]; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <section class="alert-strip" aria-labelledby="alert-strip-title">
      <h2 id="alert-strip-title" class="alert-strip__title">
        {t('strip.title')}
        <span class="alert-strip__count">{alerts.filter((a) => a.state === 'firing').length}</span>
      </h2>
      {alerts.length === 0 ? (
        <p class="muted alert-strip__empty">{t('strip.empty')}</p>
      ) : (
        <ol class="alert-strip__list" aria-live="polite">
          {alerts.map((a) => {
            const d = a.disposition;
            const ticketId = 'ticketId' in d ? d.ticketId : undefined;
            return (
              <li key={a.id} class={`alert-chip alert-chip--${a.state} alert-chip--${d.kind}`} data-alert-type={a.alertType} data-state={a.state}>
                <PriorityBadge priority={a.priority} />
                <span class="alert-chip__text">{i18n.name(a.summary)}</span>
                <span class="alert-chip__meta">
                  {t(a.state === 'firing' ? 'strip.firing' : 'strip.resolved')} · {i18n.time(a.lastFiredAt, now)} ·{' '}
                  {ticketId ? <a href={`#/ticket/${ticketId}`}>{t(`strip.${d.kind}`)}</a> : t(`strip.${d.kind}`)}
                </span>
              </li>
            );
          })}
        </ol>
      )}
    </section>
  );
}
