import { useMemo } from 'preact/hooks';
import { boardOrder, filterFromQuery, filterToQuery, type BoardFilter } from '../../logic/board.ts';
import { slaClock } from '../../logic/sla.ts';
import { useI18n } from '../../i18n/context.tsx';
import { useNow } from '../../ui/hooks.ts';
import type { DeskData } from '../use-desk-data.ts';
import { AlertStrip } from './alert-strip.tsx';
import { BoardFilters } from './board-filters.tsx';
import { BoardTable } from './board-table.tsx';
import { DrainPanel } from './drain-panel.tsx';
import { RecentList } from './recent-list.tsx';

/** Open tickets, most urgent first, counting down; filters live in the URL. */
export function BoardView({ data, query }: { data: DeskData; query: string }) {
  const { t } = useI18n();
  const now = useNow();
  const filter = useMemo(() => filterFromQuery(query), [query]);
  const rows = useMemo(() => boardOrder(data.tickets, filter, now), [data.tickets, filter, now]);
  const setFilter = (f: BoardFilter) => {
    const q = filterToQuery(f);
    location.hash = q ? `#/?${q}` : '#/';
  };
  const active = boardOrder(data.tickets, { states: [] }, now);
  const late = active.filter((x) => slaClock(x, now)?.tone === 'red').length;

  return (
    <div class="board">
      <section class="board__main" aria-labelledby="board-title">
        <div class="board__head">
          <h1 id="board-title">{t('board.title')}</h1>
          <ul class="tiles" aria-label={t('board.title')}>
            <li class="tile">
              <span class="tile__n">{active.length}</span>
              <span class="tile__label">{t('board.summary.open')}</span>
            </li>
            <li class={`tile ${active.some((x) => x.priority === 'P1') ? 'tile--urgent' : ''}`}>
              <span class="tile__n">{active.filter((x) => x.priority === 'P1').length}</span>
              <span class="tile__label">{t('board.summary.urgent')}</span>
            </li>
            <li class={`tile ${late > 0 ? 'tile--late' : ''}`}>
              <span class="tile__n">{late}</span>
              <span class="tile__label">{t('board.summary.late')}</span>
            </li>
            <li class="tile">
              <span class="tile__n">{active.filter((x) => x.state === 'open').length}</span>
              <span class="tile__label">{t('board.summary.unassigned')}</span>
            </li>
          </ul>
        </div>
        <AlertStrip alerts={data.alerts} now={now} />
        <BoardFilters filter={filter} onChange={setFilter} />
        <BoardTable rows={rows} now={now} arrivals={data.arrivals} ready={data.ready} />
        <p class="hint">{t('board.keys')}</p>
        <RecentList tickets={data.tickets} now={now} />
      </section>
      <DrainPanel />
    </div>
  );
}
