import type { PlanDevice } from '../api/views.ts';
import { useI18n } from '../i18n/context.tsx';

/** The alerting rules' default thresholds (services/alerting/domain/rules/settings.ts): the bars change colour where tickets open. */
export const DRAIN_WARNING_PCT = 60;
export const DRAIN_CRITICAL_PCT = 85;

export function levelPct(d: PlanDevice): number | undefined {
  return d.drain?.levelPct ?? undefined;
}

export const levelTone = (pct: number | undefined): 'ok' | 'amber' | 'red' | 'none' =>
  pct === undefined ? 'none' : pct >= DRAIN_CRITICAL_PCT ? 'red' : pct >= DRAIN_WARNING_PCT ? 'amber' : 'ok';

/** Every drain sensor as a bar: how full its manhole is, at a glance. */
export function DrainLevels({ drains, placeName }: { drains: PlanDevice[]; placeName(d: PlanDevice): string }) {
  const i18n = useI18n();
  return (
    <ul class="drains">
      {drains.map((d) => {
        const pct = levelPct(d);
        const tone = levelTone(pct);
        const label = `${placeName(d)}: ${pct === undefined ? '—' : `${Math.round(pct)}%`}${d.drain ? ` (${d.drain.levelMm} mm)` : ''}`;
        return (
          <li key={d.id} class={`drain drain--${tone} drain--${d.status}`} data-device={d.id}>
            <span class="drain__name">{placeName(d)}</span>
            <span class="drain__bar" role="meter" aria-label={label} aria-valuemin={0} aria-valuemax={100} aria-valuenow={pct === undefined ? undefined : Math.round(pct)}>
              <span class="drain__fill" style={{ width: `${Math.min(100, Math.max(0, pct ?? 0))}%` }} />
              <span class="drain__mark drain__mark--warn" style={{ left: `${DRAIN_WARNING_PCT}%` }} />
              <span class="drain__mark drain__mark--crit" style={{ left: `${DRAIN_CRITICAL_PCT}%` }} />
            </span>
            <span class="drain__pct num">{pct === undefined ? '—' : `${Math.round(pct)}%`}</span>
            <span class="drain__tickets">{d.openTickets > 0 && <span class="count-badge" title={i18n.t('site.tickets')}>{d.openTickets}</span>}</span>
          </li>
        );
      })}
    </ul>
  );
}
