/**
 * The site as the duty desk's plan draws it: the place tree with plan geometry
 * from the site config, and on each place its devices with their status, open
 * tickets and (for drains) the last level. Pure: the route gathers the inputs.
 */
import type { Bilingual, Category, Priority } from '../../alerting/domain/model.ts';
import { isHigherPriority } from '../../alerting/domain/tickets/index.ts';
import type { DeviceStatus } from '../../alerting/store/alerting-store.ts';
import type { DeviceKind } from '../../shared/envelope.ts';
import type { PlacedDevice } from '../../site/devices.ts';
import type { SiteConfig } from '../../site/schema.ts';

/** `fault`: it talks, but an open device-fault ticket says it does not work (video loss, stuck sensor…). */
export type PlanDeviceStatus = 'online' | 'offline' | 'fault' | 'unknown';

export interface PlanDevice {
  id: string;
  kind: DeviceKind;
  name: Bilingual;
  status: PlanDeviceStatus;
  /** When the device was last heard from (epoch ms); null if never. */
  lastSeen: number | null;
  openTickets: number;
  /** The most urgent priority among its open tickets; null without any. */
  worstPriority: Priority | null;
  /** Drain sensors: the last level reading; null for other kinds or before the first reading. */
  drain: { levelMm: number; depthMm: number | null; levelPct: number | null; at: number } | null;
}

export interface OpenTicketFacts {
  deviceId: string | undefined;
  alertType: string;
  category: Category;
  priority: Priority;
}

export interface PlanInputs {
  site: SiteConfig;
  devices: readonly PlacedDevice[];
  statuses: readonly DeviceStatus[];
  openTickets: readonly OpenTicketFacts[];
  /** Last level per drain sensor: [device time ms, level mm]. */
  drainLevels: ReadonlyMap<string, readonly [number, number]>;
}

/** Alert types that say "cannot be reached", which the status already shows as offline. */
const REACHABILITY_ALERTS = new Set(['device.offline', 'site.mass-outage']);

export function buildSitePlan(input: PlanInputs) {
  const statusOf = new Map(input.statuses.map((s) => [s.deviceId, s]));
  const ticketsOf = groupBy(input.openTickets.filter((t) => t.deviceId !== undefined), (t) => t.deviceId!);
  const devicesAt = groupBy(input.devices, (d) => `${d.compoundId}/${d.placeId}`);

  const planDevice = (d: PlacedDevice): PlanDevice => {
    const status = statusOf.get(d.id);
    const tickets = ticketsOf.get(d.id) ?? [];
    const faulty = tickets.some((t) => t.category === 'device-fault' && !REACHABILITY_ALERTS.has(t.alertType));
    const state: PlanDeviceStatus = status?.state === 'offline' ? 'offline' : faulty ? 'fault' : status?.state === 'online' ? 'online' : 'unknown';
    const level = input.drainLevels.get(d.id);
    return {
      id: d.id,
      kind: d.kind,
      name: d.name,
      status: state,
      lastSeen: status?.lastSeen ?? null,
      openTickets: tickets.length,
      worstPriority: tickets.reduce<Priority | null>((worst, t) => (worst === null || isHigherPriority(t.priority, worst) ? t.priority : worst), null),
      drain:
        d.kind === 'drain' && level
          ? { levelMm: level[1], depthMm: d.depthMm ?? null, levelPct: d.depthMm ? Math.round((level[1] / d.depthMm) * 1000) / 10 : null, at: level[0] }
          : null,
    };
  };

  const { subdistrict, communities } = input.site;
  return {
    units: 'm',
    frame: 'per compound: x east and y north from its south-west corner',
    subdistrict: {
      id: subdistrict.id,
      name: subdistrict.name,
      communities: communities.map((community) => ({
        id: community.id,
        name: community.name,
        compounds: community.compounds.map((c) => {
          const at = (placeId: string) => (devicesAt.get(`${c.id}/${placeId}`) ?? []).map(planDevice);
          return {
            id: c.id,
            name: c.name,
            households: c.households,
            renterShare: c.renterShare ?? null,
            plan: c.plan ?? null,
            buildings: c.buildings.map((b) => ({
              id: b.id,
              name: b.name,
              floors: b.floors ?? null,
              households: b.households,
              plan: b.plan ?? null,
              entrances: b.entrances.map((e) => ({ id: e.id, name: e.name, households: e.households, plan: e.plan ?? null, devices: at(e.id) })),
            })),
            publicPoints: c.publicPoints.map((p) => ({
              id: p.id,
              type: p.type,
              name: p.name,
              note: p.note ?? null,
              depthMm: p.depthMm ?? null,
              plan: p.plan ?? null,
              devices: at(p.id),
            })),
          };
        }),
      })),
    },
  };
}

export type SitePlan = ReturnType<typeof buildSitePlan>;

function groupBy<T>(items: readonly T[], key: (item: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const item of items) {
    const k = key(item);
    const list = out.get(k);
    if (list) list.push(item);
    else out.set(k, [item]);
  }
  return out;
}
