import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { slaClock } from '../../logic/sla.ts';
import { PriorityBadge, SlaTimer, StateChip } from '../../ui/badges.tsx';
import { staffName, teamName, useDeskRefs } from '../desk-context.ts';
import { HIGHLIGHT_MS } from '../use-desk-data.ts';
import { ReportSources } from './report-sources.tsx';

/** ↑/↓ move between the rows' links, so the board is worked from the keyboard. */
function onRowKey(e: KeyboardEvent): void {
  if (e.key !== 'ArrowDown' && e.key !== 'ArrowUp') return;
  const links = [...document.querySelectorAll<HTMLAnchorElement>('.board-table a.row-link')];
  const at = links.indexOf(document.activeElement as HTMLAnchorElement);
  const next = links[at < 0 ? 0 : Math.max(0, Math.min(links.length - 1, at + (e.key === 'ArrowDown' ? 1 : -1)))];
  if (next) {
    e.preventDefault();
    next.focus();
  }
}


export function BoardTable({ rows, now, arrivals, ready }: { rows: Ticket[]; now: number; arrivals: ReadonlyMap<string, number>; ready: boolean }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site, roster } = useDeskRefs();
  /** One ticket's row; a child of a grouped incident is drawn indented under it. */
  const renderRow = (ticket: Ticket, child: boolean) => {
    const arrivedAt = arrivals.get(ticket.id);
    const fresh = arrivedAt !== undefined && now - arrivedAt < HIGHLIGHT_MS;
    const tone = slaClock(ticket, now)?.tone ?? 'none';
    const a = ticket.assignment;
    return (
      <tr key={ticket.id} class={`row${child ? ' row--child' : ''} row--${ticket.priority} row--tone-${tone}${fresh ? ' row--fresh' : ''}`} data-ticket={ticket.id} data-state={ticket.state}>
        <td>
          <PriorityBadge priority={ticket.priority} />
        </td>
        <td>
          <SlaTimer ticket={ticket} now={now} />
        </td>
        <td class="row__title">
          <a class="row-link" href={`#/ticket/${ticket.id}`}>
            {i18n.name(ticket.title)}
          </a>
          <span class="row__meta">
            {ticket.id} · {t(`category.${ticket.category}`)} · <ReportSources ticket={ticket} />
            {ticket.escalation.level > 0 && <span class="esc"> · ▲{ticket.escalation.level}</span>}
          </span>
        </td>
        <td>{site ? site.placeLabel(ticket.subject, i18n.lang) : (ticket.subject.placeId ?? '')}</td>
        <td>
          <StateChip state={ticket.state} />
        </td>
        <td>
          {a?.kind === 'staff'
            ? `${staffName(roster, a.staffId, i18n.lang)}${a.acceptedAt ? ' ✓' : ''}`
            : a?.kind === 'department'
              ? teamName(roster, a.departmentId, i18n.lang)
              : ticket.unmetDuty
                ? <span class="unmet-duty">{t('board.unmetDuty')}</span>
                : <span class="muted">{t('ticket.unassigned')}</span>}
        </td>
        <td class="num" title={new Date(ticket.openedAt).toLocaleString()}>
          {i18n.time(ticket.openedAt, now)}
        </td>
      </tr>
    );
  };
  return (
    <div class="table-wrap">
      <table class="board-table" onKeyDown={onRowKey}>
        <caption class="sr-only">{t('board.count', { n: rows.length })}</caption>
        <thead>
          <tr>
            <th scope="col">{t('board.col.priority')}</th>
            <th scope="col">{t('board.col.sla')}</th>
            <th scope="col">{t('board.col.ticket')}</th>
            <th scope="col">{t('board.col.place')}</th>
            <th scope="col">{t('board.col.state')}</th>
            <th scope="col">{t('board.col.assignee')}</th>
            <th scope="col">{t('board.col.age')}</th>
          </tr>
        </thead>
        <tbody>
          {grouped(rows).map(({ ticket: parent, children }) => [
            renderRow(parent, false),
            ...(parent.children?.length ? [<ChildLines key={`${parent.id}-lines`} parent={parent} known={rows} />] : []),
            ...children.map((c) => renderRow(c, true)),
          ])}
        </tbody>
      </table>
      {ready && rows.length === 0 && <p class="empty">{t('board.empty')}</p>}
      {!ready && <p class="empty">{t('app.loading')}</p>}
    </div>
  );
}

/**
 * Grouped incidents (issue 14): a ticket whose parent is on the board is drawn under it, not
 * among the top-level rows, so a storm reads as one incident with its manholes.
 */
export function grouped(rows: readonly Ticket[]): { ticket: Ticket; children: Ticket[] }[] {
  const shown = new Set(rows.map((t) => t.id));
  const byParent = new Map<string, Ticket[]>();
  for (const t of rows) if (t.parentId !== undefined && shown.has(t.parentId)) byParent.set(t.parentId, [...(byParent.get(t.parentId) ?? []), t]);
  return rows.filter((t) => t.parentId === undefined || !shown.has(t.parentId)).map((t) => ({ ticket: t, children: byParent.get(t.id) ?? [] }));
}

/** The incident's child lines: one per manhole, its own ticket when it has one, else that it only rose. */
function ChildLines({ parent, known }: { parent: Ticket; known: readonly Ticket[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  return (
    <tr class="row-children" data-parent={parent.id}>
      <td colSpan={7}>
        <span class="row-children__label">{t('board.children')}</span>
        <ul class="child-lines">
          {(parent.children ?? []).map((c) => {
            const child = c.ticketId ? known.find((k) => k.id === c.ticketId) : undefined;
            return (
              <li key={c.deviceId} class={`child-line child-line--${c.alertState}`} data-device={c.deviceId}>
                <span class="child-line__name">{i18n.name(c.name)}</span>
                <span class="child-line__state">{t(c.alertState === 'firing' ? 'strip.firing' : 'strip.resolved')}</span>
                {c.ticketId ? (
                  <a class="child-line__ticket" href={`#/ticket/${c.ticketId}`}>
                    {c.ticketId}
                    {child ? ` · ${i18n.name(child.title)}` : ''}
                  </a>
                ) : (
                  <span class="muted">{t('board.childNoTicket')}</span>
                )}
              </li>
            );
          })}
        </ul>
      </td>
    </tr>
  );
}
