import { getDeliveries } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import type { MessageKey } from '../../i18n/en.ts';
import { useLoad } from '../../ui/hooks.ts';
import { staffName, teamName, useDeskRefs } from '../desk-context.ts';

/**
 * Per person (or group) and channel, what the notifier sent for this ticket and what
 * became of it, from its receipts, with each step when there was more than one (failed,
 * retried, delivered; opened; accepted from the notification). Reloaded every few seconds: receipts do not change
 * the ticket's version.
 */
export function Deliveries({ ticketId, now }: { ticketId: string; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { roster } = useDeskRefs();
  // People and departments by name in the reader's language; group channels (robots, the duty mailbox) keep their id.
  const recipientName = (r: { kind: string; id: string }) => (r.kind === 'person' ? staffName(roster, r.id, i18n.lang) : r.kind === 'department' ? teamName(roster, r.id, i18n.lang) : r.id);
  const round = Math.floor(now / 5_000);
  const loaded = useLoad((signal) => getDeliveries(ticketId, signal), [ticketId, round]);
  const list = loaded.data ?? [];
  if (loaded.error && !loaded.data) return null;
  return (
    <section class="panel" aria-labelledby="deliveries-title" data-deliveries={ticketId}>
      <h2 id="deliveries-title">{t('deliveries.title')}</h2>
      {list.length === 0 && <p class="muted">{t('deliveries.none')}</p>}
      <ul class="events">
        {list.map((d) => (
          <li key={d.deliveryId} class={`event delivery delivery--${d.status}`} data-status={d.status}>
            <time class="num">{i18n.time(d.lastAt, now)}</time>
            <span class="mono">{d.channel}</span>
            <span data-recipient={d.recipient.id}>{recipientName(d.recipient)}</span>
            <strong>{t(`deliveries.status.${d.status}` as MessageKey)}</strong>
            <span class="muted">
              {d.attempts > 1 ? t('deliveries.attempts', { n: d.attempts }) : ''}
              {d.mergedCount ? ` ${t('deliveries.merged', { n: d.mergedCount })}` : ''}
              {d.reason ? ` ${d.reason}` : ''}
            </span>
            {d.history && d.history.length > 1 && (
              <ol class="delivery__steps" aria-label={t('deliveries.steps')}>
                {d.history.map((h, i) => (
                  <li key={i} data-step={h.status}>
                    <time class="num">{i18n.time(h.at, now, true)}</time> {t(`deliveries.status.${h.status}` as MessageKey)}
                  </li>
                ))}
              </ol>
            )}
          </li>
        ))}
      </ul>
    </section>
  );
}
