import type { PlanCompound, PlanDevice, PlanPublicPoint } from '../../api/views.ts';
import { useI18n } from '../../i18n/context.tsx';
import { devicesNorth, layoutPlan, POINT_LABEL_DY_M } from '../../logic/plan-geometry.ts';
import { levelPct, levelTone } from '../drain-levels.tsx';

/**
 * The compound drawn from its site config: buildings as their outlines, unit doors,
 * gates, lanes, parking and manholes as points, and every device as a marker coloured by
 * its status, with a red count where tickets are open. Every place is a link (keyboard
 * and screen reader reach it) that selects it: on the site view by default, or wherever
 * `hrefOf` sends it (the log-a-call form picks the place clicked).
 */
const siteHref = (placeId: string) => `#/site/${encodeURIComponent(placeId)}`;

export function PlanSvg({ compound, selected, hrefOf = siteHref }: { compound: PlanCompound; selected: string | undefined; hrefOf?: (placeId: string) => string }) {
  const i18n = useI18n();
  const { t } = i18n;
  const layout = layoutPlan(compound);
  const deviceLabel = (d: PlanDevice) =>
    `${i18n.name(d.name)}: ${t(`site.status.${d.status}`)}${d.openTickets ? `, ${t('site.tickets')} ${d.openTickets}` : ''}${d.drain?.levelPct != null ? `, ${Math.round(d.drain.levelPct)}%` : ''}`;

  return (
    <svg class="plan" viewBox={layout.viewBox} role="group" aria-label={t('site.planAria', { name: i18n.name(compound.name) })} preserveAspectRatio="xMidYMid meet">
      <defs>
        <pattern id="plan-grid" width="10" height="10" patternUnits="userSpaceOnUse">
          <path d="M 10 0 L 0 0 0 10" fill="none" class="plan__grid" />
        </pattern>
      </defs>
      <rect class="plan__ground" x={0} y={0} width={layout.width} height={layout.height} rx={2} />
      <rect x={0} y={0} width={layout.width} height={layout.height} fill="url(#plan-grid)" />
      <text class="plan__compass" x={layout.width + 5} y={-3} text-anchor="middle">
        N ↑
      </text>

      {compound.buildings.map((b) =>
        b.plan ? (
          <a key={b.id} href={hrefOf(b.id)} class={`plan__building${selected === b.id ? ' is-selected' : ''}`} aria-label={`${i18n.name(b.name)} · ${t('site.households', { n: b.households })}`}>
            <rect x={b.plan.x} y={layout.toSvgY(b.plan.y + b.plan.h)} width={b.plan.w} height={b.plan.h} rx={0.8} />
            <text x={b.plan.x + b.plan.w / 2} y={layout.toSvgY(b.plan.y + b.plan.h / 2) + 1.6} text-anchor="middle" class="plan__label">
              {i18n.name(b.name)}
            </text>
          </a>
        ) : null,
      )}

      {compound.buildings.flatMap((b) =>
        b.entrances.map((e) => {
          const at = layout.entrances.get(e.id);
          if (!at) return null;
          return (
            <a key={e.id} href={hrefOf(e.id)} class={`plan__entrance${selected === e.id ? ' is-selected' : ''}`} aria-label={`${i18n.name(b.name)} ${i18n.name(e.name)}`}>
              <rect x={at.x - 1.6} y={at.y - 0.8} width={3.2} height={1.6} />
            </a>
          );
        }),
      )}

      {compound.publicPoints.map((p) => (p.plan ? <PointSymbol key={p.id} point={p} x={p.plan.x} y={layout.toSvgY(p.plan.y)} selected={selected === p.id} href={hrefOf(p.id)} /> : null))}

      {layout.markers.map(({ device: d, placeId, x, y }) => {
        const tone = d.kind === 'drain' ? levelTone(levelPct(d)) : undefined;
        return (
          <a key={d.id} href={hrefOf(placeId)} class={`plan__device status--${d.status}${d.openTickets ? ' has-tickets' : ''}${tone ? ` level--${tone}` : ''}`} aria-label={deviceLabel(d)} data-device={d.id}>
            <title>{deviceLabel(d)}</title>
            {d.kind === 'door' && <rect x={x - 1.4} y={y - 1.4} width={2.8} height={2.8} rx={0.4} />}
            {d.kind === 'camera' && <path d={`M ${x} ${y - 1.8} L ${x + 1.8} ${y + 1.4} L ${x - 1.8} ${y + 1.4} Z`} />}
            {d.kind === 'drain' && <DrainMarker device={d} x={x} y={y} />}
            {d.openTickets > 0 && (
              <g class="plan__badge">
                <circle cx={x + 2} cy={y - 2} r={1.9} />
                <text x={x + 2} y={y - 1.25} text-anchor="middle">
                  {d.openTickets}
                </text>
              </g>
            )}
          </a>
        );
      })}
    </svg>
  );
}

function PointSymbol({ point: p, x, y, selected, href }: { point: PlanPublicPoint; x: number; y: number; selected: boolean; href: string }) {
  const i18n = useI18n();
  const name = i18n.name(p.name);
  return (
    <a href={href} class={`plan__point plan__point--${p.type}${selected ? ' is-selected' : ''}`} aria-label={name}>
      {p.type === 'gate' && <rect x={x - 3} y={y - 1.5} width={6} height={3} rx={0.5} />}
      {p.type === 'parking' && <rect x={x - 3} y={y - 3} width={6} height={6} rx={1} />}
      {p.type === 'manhole' && p.devices.length === 0 && <circle cx={x} cy={y} r={1.6} />}
      {(p.type === 'lane' || p.type === 'square') && <circle cx={x} cy={y} r={1} />}
      {p.type === 'parking' && (
        <text x={x} y={y + 1.6} text-anchor="middle" class="plan__glyph">
          P
        </text>
      )}
      <text x={x} y={p.type === 'manhole' ? y + 7.5 : y + (p.devices.length && !devicesNorth(p) ? POINT_LABEL_DY_M : 5.5)} text-anchor="middle" class="plan__label plan__label--small">
        {p.type === 'manhole' ? name.replace(/号检查井|Manhole /, '') : name}
      </text>
    </a>
  );
}

/** A drain sensor as its manhole: the ring is the device status, the fill how full the manhole is. */
function DrainMarker({ device: d, x, y }: { device: PlanDevice; x: number; y: number }) {
  const r = 3.4;
  const pct = Math.max(0, Math.min(100, levelPct(d) ?? 0));
  const clip = `drain-fill-${d.id}`;
  const top = y + r - (2 * r * pct) / 100;
  return (
    <g class="plan__drain">
      <clipPath id={clip}>
        <circle cx={x} cy={y} r={r - 0.5} />
      </clipPath>
      <circle class="plan__drain-ring" cx={x} cy={y} r={r} />
      <rect class={`plan__drain-fill level--${levelTone(levelPct(d))}`} x={x - r} y={top} width={2 * r} height={y + r - top} clip-path={`url(#${clip})`} />
    </g>
  );
}
