import { CATEGORIES } from '../../../../alerting/domain/model.ts';
import { TICKET_STATES } from '../../../../alerting/domain/tickets/types.ts';
import type { Category, TicketState } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { EMPTY_FILTER, type BoardFilter } from '../../logic/board.ts';
import { useDeskRefs } from '../desk-context.ts';

export function BoardFilters({ filter, onChange }: { filter: BoardFilter; onChange(f: BoardFilter): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { site } = useDeskRefs();
  const communities = site?.communities ?? [];
  const compounds = communities.filter((c) => !filter.communityId || c.id === filter.communityId).flatMap((c) => c.compounds);
  const set = (patch: Partial<BoardFilter>) => {
    const next: BoardFilter = { ...filter, ...patch };
    for (const k of ['communityId', 'compoundId', 'category'] as const) if (!next[k]) delete next[k];
    onChange(next);
  };
  const changed = filter.communityId || filter.compoundId || filter.category || filter.states.length > 0;

  return (
    <form class="filters" role="search" aria-label={t('filter.title')} onSubmit={(e) => e.preventDefault()}>
      <label class="filter">
        <span>{t('filter.community')}</span>
        <select id="filter-first" value={filter.communityId ?? ''} onChange={(e) => set({ communityId: e.currentTarget.value, compoundId: '' })}>
          <option value="">{t('filter.all')}</option>
          {communities.map((c) => (
            <option key={c.id} value={c.id}>
              {i18n.name(c.name)}
            </option>
          ))}
        </select>
      </label>
      <label class="filter">
        <span>{t('filter.compound')}</span>
        <select value={filter.compoundId ?? ''} onChange={(e) => set({ compoundId: e.currentTarget.value })}>
          <option value="">{t('filter.all')}</option>
          {compounds.map((c) => (
            <option key={c.id} value={c.id}>
              {i18n.name(c.name)}
            </option>
          ))}
        </select>
      </label>
      <label class="filter">
        <span>{t('filter.category')}</span>
        <select value={filter.category ?? ''} onChange={(e) => set({ category: (e.currentTarget.value || undefined) as Category | undefined })}>
          <option value="">{t('filter.all')}</option>
          {CATEGORIES.map((c) => (
            <option key={c} value={c}>
              {t(`category.${c}`)}
            </option>
          ))}
        </select>
      </label>
      <label class="filter">
        <span>{t('filter.state')}</span>
        <select value={filter.states.join(',')} onChange={(e) => set({ states: e.currentTarget.value ? (e.currentTarget.value.split(',') as TicketState[]) : [] })}>
          <option value="">{t('filter.active')}</option>
          {TICKET_STATES.map((s) => (
            <option key={s} value={s}>
              {t(`state.${s}`)}
            </option>
          ))}
        </select>
      </label>
      {changed && (
        <button type="button" class="btn btn--ghost btn--small" onClick={() => onChange(EMPTY_FILTER)}>
          {t('filter.clear')}
        </button>
      )}
    </form>
  );
}
