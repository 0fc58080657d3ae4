import type { SiteConfig } from '../site/schema.ts';
import type { ConfigItem } from './port.ts';
import type { DeviceItem, PlaceItem, SiteSkeleton } from './items.ts';

export interface SiteItems {
  skeleton: SiteSkeleton;
  places: Map<string, PlaceItem>;
  devices: Map<string, DeviceItem>;
}

/** Splits a site file into the store's items (seeding, import). */
export function siteToItems(site: SiteConfig): SiteItems {
  const places = new Map<string, PlaceItem>();
  const devices = new Map<string, DeviceItem>();
  const skeleton: SiteSkeleton = {
    version: 1,
    subdistrict: site.subdistrict,
    communities: site.communities.map((community) => ({
      id: community.id,
      name: community.name,
      compounds: community.compounds.map((compound) => {
        compound.buildings.forEach((b, bi) => {
          places.set(b.id, { type: 'building', compoundId: compound.id, order: bi, name: b.name, ...opt('floors', b.floors), ...opt('plan', b.plan) });
          b.entrances.forEach((e, ei) =>
            places.set(e.id, { type: 'entrance', compoundId: compound.id, buildingId: b.id, order: ei, name: e.name, households: e.households, ...opt('renters', e.renters), ...opt('plan', e.plan) }),
          );
        });
        compound.publicPoints.forEach((p, pi) =>
          places.set(p.id, { type: p.type, compoundId: compound.id, order: pi, name: p.name, ...opt('depthMm', p.depthMm), ...opt('note', p.note), ...opt('plan', p.plan) }),
        );
        compound.devices.forEach((d, di) =>
          devices.set(d.id, { kind: d.kind, placeId: d.at, order: di, ...opt('name', d.name), ...opt('model', d.model), settings: {}, state: 'active', secretRotation: 0 }),
        );
        return { id: compound.id, name: compound.name, ...opt('renterShare', compound.renterShare), ...opt('plan', compound.plan) };
      }),
    })),
  };
  return { skeleton, places, devices };
}

/**
 * Puts the items back together as a site file; households of buildings and compounds
 * are the sums of their entrances, so they can never disagree. Revoked devices are left
 * out: the rest of the platform only ever sees devices that may connect.
 */
export function siteFromItems(items: SiteItems, which: 'all' | 'fixture' = 'all'): SiteConfig {
  const byOrder = <T extends { order: number }>(entries: [string, T][]) => entries.sort((a, b) => a[1].order - b[1].order || a[0].localeCompare(b[0]));
  const places = [...items.places.entries()];
  // `fixture`: only the devices the site was seeded with, which `npm start` simulates.
  const devices = [...items.devices.entries()].filter(([, d]) => d.state === 'active' && (which === 'all' || !d.addedLive));
  const placeCompound = new Map(places.map(([id, p]) => [id, p.compoundId]));
  return {
    version: 1,
    subdistrict: items.skeleton.subdistrict,
    communities: items.skeleton.communities.map((community) => ({
      id: community.id,
      name: community.name,
      compounds: community.compounds.map((compound) => {
        const here = places.filter(([, p]) => p.compoundId === compound.id);
        const buildings = byOrder(here.filter((e): e is [string, Extract<PlaceItem, { type: 'building' }>] => e[1].type === 'building')).map(([id, b]) => {
          const entrances = byOrder(here.filter((e): e is [string, Extract<PlaceItem, { type: 'entrance' }>] => e[1].type === 'entrance' && e[1].buildingId === id)).map(([eid, e]) => ({
            id: eid,
            name: e.name,
            households: e.households,
            ...opt('renters', e.renters),
            ...opt('plan', e.plan),
          }));
          return { id, name: b.name, ...opt('floors', b.floors), households: entrances.reduce((n, e) => n + e.households, 0), entrances, ...opt('plan', b.plan) };
        });
        const publicPoints = byOrder(here.filter((e): e is [string, Extract<PlaceItem, { type: 'gate' | 'lane' | 'parking' | 'manhole' | 'square' }>] => e[1].type !== 'building' && e[1].type !== 'entrance')).map(
          ([id, p]) => ({ id, type: p.type, name: p.name, ...opt('depthMm', p.depthMm), ...opt('note', p.note), ...opt('plan', p.plan) }),
        );
        return {
          id: compound.id,
          name: compound.name,
          households: buildings.reduce((n, b) => n + b.households, 0),
          ...opt('renterShare', compound.renterShare),
          ...opt('plan', compound.plan),
          buildings,
          publicPoints,
          devices: byOrder(devices.filter(([, d]) => placeCompound.get(d.placeId) === compound.id)).map(([id, d]) => ({ id, kind: d.kind, at: d.placeId, ...opt('name', d.name), ...opt('model', d.model) })),
        };
      }),
    })),
  };
}

/** The site items of a store's (or a mirror's) listing. */
export function siteItemsOf(list: (kind: 'site' | 'place' | 'device') => readonly ConfigItem[]): SiteItems {
  const skeleton = list('site').find((i) => i.id === 'site')?.value as SiteSkeleton | undefined;
  if (!skeleton) throw new Error('the config store holds no site: it was never seeded');
  return {
    skeleton,
    places: new Map(list('place').map((i) => [i.id, i.value as PlaceItem])),
    devices: new Map(list('device').map((i) => [i.id, i.value as DeviceItem])),
  };
}

/** `{ key: value }` when the value is there, `{}` otherwise (exactOptionalPropertyTypes). */
function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
