import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { PriorityBadge, StateChip } from '../../ui/badges.tsx';
import { useDeskRefs } from '../desk-context.ts';

const DONE = ['resolved', 'closed', 'cancelled'];
const SHOWN = 8;

/** What was finished lately, so the operator sees that alarms which cleared themselves did not vanish unseen. */
export function RecentList({ tickets, now }: { tickets: Ticket[]; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site } = useDeskRefs();
  const recent = tickets
    .filter((x) => DONE.includes(x.state))
    .sort((a, b) => b.updatedAt - a.updatedAt)
    .slice(0, SHOWN);
  if (recent.length === 0) return null;
  return (
    <section class="panel recent" aria-labelledby="recent-title">
      <h2 id="recent-title">{t('board.recent')}</h2>
      <ul class="recent__list">
        {recent.map((x) => (
          <li key={x.id} data-ticket={x.id}>
            <time class="num muted">{i18n.time(x.milestones.resolvedAt ?? x.updatedAt, now, false)}</time>
            <PriorityBadge priority={x.priority} />
            <a href={`#/ticket/${x.id}`}>{i18n.name(x.title)}</a>
            <span class="muted">{site ? site.placeLabel(x.subject, i18n.lang) : ''}</span>
            <StateChip state={x.state} />
            {x.milestones.autoResolved && <span class="muted">{t('board.auto')}</span>}
          </li>
        ))}
      </ul>
    </section>
  );
}
