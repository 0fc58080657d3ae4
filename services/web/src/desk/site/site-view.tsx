import { useState } from 'preact/hooks';
import { ACTIVE_STATES } from '../../../../alerting/domain/tickets/states.ts';
import type { PlanDevice } from '../../api/views.ts';
import { useI18n } from '../../i18n/context.tsx';
import { SiteIndex } from '../../logic/site-index.ts';
import { PriorityBadge } from '../../ui/badges.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { FilterSelect } from '../../ui/filter-select.tsx';
import { DrainLevels } from '../drain-levels.tsx';
import type { DeskData } from '../use-desk-data.ts';
import { useSitePlan } from '../use-site-plan.ts';
import { PlanSvg } from './plan-svg.tsx';

/** The compound plan, the selected place's devices and tickets, and the drains at a glance. */
export function SiteView({ data, selected }: { data: DeskData; selected: string | undefined }) {
  const i18n = useI18n();
  const { t } = i18n;
  // Ticket changes move device colours and counts: reload the plan with them.
  const openCount = data.tickets.filter((x) => ACTIVE_STATES.includes(x.state)).length;
  const plan = useSitePlan(15_000, openCount);
  const compounds = plan.data?.subdistrict.communities.flatMap((c) => c.compounds) ?? [];
  const [compoundId, setCompoundId] = useState<string | undefined>();
  const compound = compounds.find((c) => c.id === compoundId) ?? compounds[0];
  const index = plan.data ? new SiteIndex(plan.data) : undefined;
  const place = compound && index ? index.place(compound.id, selected) : undefined;

  const placeDevices: { device: PlanDevice; placeName: string }[] = [];
  if (place && compound) {
    const entrances = place.building && !place.entranceName ? place.building.entrances : [];
    for (const e of entrances) for (const d of e.devices) placeDevices.push({ device: d, placeName: i18n.name(e.name) });
    for (const d of index!.allDevices().filter((x) => x.compoundId === compound.id && x.placeId === place.id)) placeDevices.push({ device: d, placeName: '' });
  }
  const placeTickets = place
    ? data.tickets.filter((x) => ACTIVE_STATES.includes(x.state) && x.subject.compoundId === place.compound.id && (x.subject.placeId === place.id || (!place.entranceName && x.subject.buildingId === place.id)))
    : [];
  const drains = compound ? compound.publicPoints.flatMap((p) => p.devices.filter((d) => d.kind === 'drain').map((d) => ({ d, name: i18n.name(p.name) }))) : [];

  return (
    <div class="site">
      <section class="site__plan" aria-labelledby="site-title">
        <div class="site__head">
          <h1 id="site-title">
            {t('site.title')}
            {compound && <span class="muted"> · {i18n.name(compound.name)}</span>}
          </h1>
          {compounds.length > 1 && (
            <FilterSelect
              label={t('filter.compound')}
              value={compound?.id}
              options={compounds.map((c) => ({ value: c.id, label: i18n.name(c.name) }))}
              onChange={setCompoundId}
            />
          )}
          <Legend />
        </div>
        <ErrorBanner error={plan.error} onRetry={plan.reload} />
        {compound ? <PlanSvg compound={compound} selected={selected} /> : !plan.error && <p class="empty">{t('app.loading')}</p>}
      </section>
      <aside class="side">
        <section class="panel" aria-labelledby="site-selected">
          <h2 id="site-selected">{place ? index!.placeLabel({ compoundId: place.compound.id, placeId: place.id }, i18n.lang) : t('site.selected')}</h2>
          {!place && <p class="muted">{t('site.none')}</p>}
          {place?.building && !place.entranceName && <p class="muted">{t('site.households', { n: place.building.households })}</p>}
          {place?.point?.note && <p class="muted">{i18n.name(place.point.note)}</p>}
          {placeDevices.length > 0 && (
            <ul class="device-list">
              {placeDevices.map(({ device: d, placeName }) => (
                <li key={d.id} class={`status--${d.status}`}>
                  <span class="dot" aria-hidden="true" />
                  <span>
                    {placeName && <span class="muted">{placeName} · </span>}
                    {t(`site.kind.${d.kind}`)} <span class="mono muted">{d.id}</span>
                  </span>
                  <span>{t(`site.status.${d.status}`)}</span>
                  {d.drain?.levelPct != null && <span class="num">{Math.round(d.drain.levelPct)}%</span>}
                  {d.openTickets > 0 && <span class="count-badge">{d.openTickets}</span>}
                </li>
              ))}
            </ul>
          )}
          {placeTickets.length > 0 && (
            <ul class="mini-tickets">
              {placeTickets.map((x) => (
                <li key={x.id}>
                  <PriorityBadge priority={x.priority} /> <a href={`#/ticket/${x.id}`}>{i18n.name(x.title)}</a>
                </li>
              ))}
            </ul>
          )}
        </section>
        <section class="panel" aria-labelledby="site-drains">
          <h2 id="site-drains">{t('site.drains')}</h2>
          <DrainLevels drains={drains.map((x) => x.d)} placeName={(d) => drains.find((x) => x.d.id === d.id)?.name ?? d.id} />
        </section>
      </aside>
    </div>
  );
}

function Legend() {
  const { t } = useI18n();
  return (
    <ul class="legend" aria-label={t('site.legend')}>
      {(['online', 'offline', 'fault', 'unknown'] as const).map((s) => (
        <li key={s} class={`status--${s}`}>
          <span class="dot" aria-hidden="true" />
          {t(`site.status.${s}`)}
        </li>
      ))}
      <li>
        <span class="shape shape--door" aria-hidden="true" />
        {t('site.kind.door')}
      </li>
      <li>
        <span class="shape shape--camera" aria-hidden="true" />
        {t('site.kind.camera')}
      </li>
      <li>
        <span class="shape shape--drain" aria-hidden="true" />
        {t('site.kind.drain')}
      </li>
      <li class="legend__tickets">
        <span class="count-badge">1</span>
        {t('site.tickets')}
      </li>
    </ul>
  );
}
