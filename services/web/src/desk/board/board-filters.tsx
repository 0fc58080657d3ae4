import { CATEGORIES } from '../../../../alerting/domain/model.ts';
import { TICKET_STATES } from '../../../../alerting/domain/tickets/types.ts';
import type { Category, TicketState } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { EMPTY_FILTER, type BoardFilter } from '../../logic/board.ts';
import { FilterSelect } from '../../ui/filter-select.tsx';
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
      <FilterSelect
        id="filter-first"
        label={t('filter.community')}
        anyLabel={t('filter.all')}
        value={filter.communityId ?? ''}
        options={communities.map((c) => ({ value: c.id, label: i18n.name(c.name) }))}
        onChange={(v) => set({ communityId: v, compoundId: '' })}
      />
      <FilterSelect
        label={t('filter.compound')}
        anyLabel={t('filter.all')}
        value={filter.compoundId ?? ''}
        options={compounds.map((c) => ({ value: c.id, label: i18n.name(c.name) }))}
        onChange={(v) => set({ compoundId: v })}
      />
      <FilterSelect
        label={t('filter.category')}
        anyLabel={t('filter.all')}
        value={filter.category ?? ''}
        options={CATEGORIES.map((c) => ({ value: c, label: t(`category.${c}`) }))}
        onChange={(v) => set({ category: (v || undefined) as Category | undefined })}
      />
      <FilterSelect
        label={t('filter.state')}
        anyLabel={t('filter.active')}
        value={filter.states.join(',')}
        options={TICKET_STATES.map((s) => ({ value: s, label: t(`state.${s}`) }))}
        onChange={(v) => set({ states: v ? (v.split(',') as TicketState[]) : [] })}
      />
      {changed && (
        <button type="button" class="btn btn--ghost btn--small" onClick={() => onChange(EMPTY_FILTER)}>
          {t('filter.clear')}
        </button>
      )}
    </form>
  );
}
