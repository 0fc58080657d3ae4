import { useI18n } from '../i18n/context.tsx';
import { Icon } from '../ui/icons.tsx';
import type { SiteIndex } from '../logic/site-index.ts';
import type { Arrival } from './use-desk-data.ts';

/** The flash for an urgent arrival: hard to miss at 3 a.m., one click to open it. */
export function AlarmBanner({ alarm, site, onDismiss }: { alarm: Arrival; site: SiteIndex | undefined; onDismiss(): void }) {
  const i18n = useI18n();
  const { ticket } = alarm;
  // No focus grab: the operator may be typing a note on another ticket; role=alert announces it.
  return (
    <div class="alarm" role="alert" key={alarm.at} data-ticket={ticket.id}>
      <span class="alarm__icon">
        <Icon name="alert" size={26} />
      </span>
      <a class="alarm__text" href={`#/ticket/${ticket.id}`} onClick={onDismiss}>
        {i18n.t('board.new', { title: i18n.name(ticket.title) })}
        {site && <span class="alarm__place"> · {site.placeLabel(ticket.subject, i18n.lang)}</span>}
      </a>
      <button type="button" class="btn btn--ghost btn--small" aria-label={i18n.t('alarm.dismiss')} onClick={onDismiss}>
        <Icon name="close" />
      </button>
    </div>
  );
}
