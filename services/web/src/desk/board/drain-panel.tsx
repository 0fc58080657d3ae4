import { useI18n } from '../../i18n/context.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import type { PlanDevice, PlanDeviceStatus } from '../../api/views.ts';
import { DrainLevels } from '../drain-levels.tsx';
import { useSitePlan } from '../use-site-plan.ts';

/** The board's side column: drains at a glance and how many devices are not well. */
export function DrainPanel() {
  const i18n = useI18n();
  const { t } = i18n;
  const plan = useSitePlan();
  const compounds = plan.data?.subdistrict.communities.flatMap((c) => c.compounds) ?? [];
  const devices = compounds.flatMap((c) => [...c.buildings.flatMap((b) => b.entrances), ...c.publicPoints].flatMap((p) => p.devices));
  const count = (s: PlanDeviceStatus) => devices.filter((d) => d.status === s).length;
  const drains = compounds.flatMap((c) => c.publicPoints.flatMap((p) => p.devices.filter((d) => d.kind === 'drain').map((d) => ({ device: d, place: p }))));
  const pointName = (d: PlanDevice) => i18n.name(drains.find((x) => x.device.id === d.id)?.place.name) || d.id;
  return (
    <aside class="side" aria-labelledby="side-drains">
      <section class="panel">
        <h2 id="side-drains">{t('site.drains')}</h2>
        <ErrorBanner error={plan.error} onRetry={plan.reload} />
        <DrainLevels drains={drains.map((x) => x.device)} placeName={pointName} />
      </section>
      <section class="panel" aria-labelledby="side-devices">
        <h2 id="side-devices">{t('site.devices')}</h2>
        <ul class="health">
          {(['online', 'offline', 'fault', 'unknown'] as const).map((s) => (
            <li key={s} class={`health__item status--${s}`}>
              <span class="dot" aria-hidden="true" />
              <span>{t(`site.status.${s}`)}</span>
              <span class="num">{count(s)}</span>
            </li>
          ))}
        </ul>
      </section>
    </aside>
  );
}
