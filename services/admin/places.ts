/**
 * Places added and edited live (issue 17): a building with its unit entrances, one more
 * entrance, a public point; bilingual names, a position on the site plan, households and
 * renters per unit. Pure: from the site's items to the place items to write. Each change is
 * checked by putting the whole site together and running the site file's own schema, so a
 * unit drawn away from its building or outside the plan is refused exactly like in the file.
 */
import { PUBLIC_POINT_TYPES } from '../site/schema.ts';
import { parseSite } from '../site/load.ts';
import type { Bilingual, PlaceItem, PlanPoint } from '../config-store/items.ts';
import { siteFromItems, type SiteItems } from '../config-store/site-items.ts';
import { isOcError, OcError } from '../shared/errors.ts';

export type PublicPointType = (typeof PUBLIC_POINT_TYPES)[number];

export interface EntranceInput {
  id: string;
  name: Bilingual;
  households: number;
  renters?: number | undefined;
  plan?: PlanPoint | undefined;
}

export type PlaceInput =
  | { type: 'building'; id: string; compoundId: string; name: Bilingual; floors?: number | undefined; plan?: { x: number; y: number; w: number; h: number } | undefined; entrances: EntranceInput[] }
  | ({ type: 'entrance'; buildingId: string } & EntranceInput)
  | { type: PublicPointType; id: string; compoundId: string; name: Bilingual; depthMm?: number | undefined; note?: Bilingual | undefined; plan?: PlanPoint | undefined };

/** What a PATCH may change: names, the position, counts; never the type or the parent (remove and add for that). */
export interface PlacePatch {
  name?: Bilingual;
  plan?: PlanPoint | { x: number; y: number; w: number; h: number } | null;
  floors?: number | null;
  households?: number;
  renters?: number | null;
  depthMm?: number;
  note?: Bilingual | null;
}

/** A new building comes with its entrances (a building has at least one), so the site is whole after every change. */
export function placesToAdd(items: SiteItems, input: PlaceInput): Map<string, PlaceItem> {
  const ids = input.type === 'building' ? [input.id, ...input.entrances.map((e) => e.id)] : [input.id];
  const twice = ids.find((id, i) => ids.indexOf(id) !== i);
  if (twice) throw new OcError('OC_PLACE_DUPLICATE', `id ${twice} is given twice`, { field: 'id' });
  for (const id of ids) if (items.places.has(id)) throw new OcError('OC_PLACE_DUPLICATE', `a place with id ${id} already exists`, { field: 'id' });

  const added = new Map<string, PlaceItem>();
  if (input.type === 'entrance') {
    const building = items.places.get(input.buildingId);
    if (building?.type !== 'building') throw new OcError('OC_PLACE_UNKNOWN_PARENT', `no building ${input.buildingId}`, { field: 'buildingId' });
    added.set(input.id, entranceItem(input, building.compoundId, input.buildingId, nextOrder(items, (p) => p.type === 'entrance' && p.buildingId === input.buildingId)));
  } else {
    if (!compoundExists(items, input.compoundId)) throw new OcError('OC_PLACE_UNKNOWN_PARENT', `no compound ${input.compoundId}`, { field: 'compoundId' });
    if (input.type === 'building') {
      const order = nextOrder(items, (p) => p.type === 'building' && p.compoundId === input.compoundId);
      added.set(input.id, { type: 'building', compoundId: input.compoundId, order, name: input.name, ...opt('floors', input.floors), ...opt('plan', input.plan) });
      input.entrances.forEach((e, i) => added.set(e.id, entranceItem(e, input.compoundId, input.id, i)));
    } else {
      const order = nextOrder(items, (p) => p.type !== 'building' && p.type !== 'entrance' && p.compoundId === input.compoundId);
      added.set(input.id, { type: input.type, compoundId: input.compoundId, order, name: input.name, ...opt('depthMm', input.depthMm), ...opt('note', input.note), ...opt('plan', input.plan) });
    }
  }
  checkSite(items, added);
  return added;
}

/** The place with the patch applied, checked with the whole site. */
export function patchedPlace(items: SiteItems, id: string, patch: PlacePatch): PlaceItem {
  const place = items.places.get(id);
  if (!place) throw new OcError('OC_PLACE_NOT_FOUND', `no place ${id}`, { field: 'id' });
  const next: Record<string, unknown> = { ...place };
  const allowed = allowedKeys(place);
  for (const [key, value] of Object.entries(patch)) {
    if (value === undefined) continue;
    if (!allowed.includes(key)) throw new OcError('OC_PLACE_INVALID', `${key}: a ${place.type} has no ${key}`, { field: key });
    if (value === null) delete next[key];
    else next[key] = value;
  }
  const changed = next as PlaceItem;
  checkSite(items, new Map([[id, changed]]));
  return changed;
}

function allowedKeys(place: PlaceItem): string[] {
  if (place.type === 'building') return ['name', 'plan', 'floors'];
  if (place.type === 'entrance') return ['name', 'plan', 'households', 'renters'];
  return ['name', 'plan', 'depthMm', 'note'];
}

/** The site with the changed places must pass the site file's schema; its first problem names the key. */
function checkSite(items: SiteItems, changed: ReadonlyMap<string, PlaceItem>): void {
  const places = new Map(items.places);
  for (const [id, p] of changed) places.set(id, p);
  try {
    parseSite(siteFromItems({ ...items, places }), 'site');
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) {
      const keys = (err.details?.keys as string[] | undefined) ?? [];
      throw new OcError('OC_PLACE_INVALID', err.message.replace(/^configuration is invalid: /, ''), { keys, field: keys[0]?.split('.').pop() });
    }
    throw err;
  }
}

const compoundExists = (items: SiteItems, compoundId: string): boolean => items.skeleton.communities.some((c) => c.compounds.some((p) => p.id === compoundId));

function nextOrder(items: SiteItems, sibling: (p: PlaceItem) => boolean): number {
  let max = -1;
  for (const p of items.places.values()) if (sibling(p)) max = Math.max(max, p.order);
  return max + 1;
}

const entranceItem = (e: EntranceInput, compoundId: string, buildingId: string, order: number): PlaceItem => ({
  type: 'entrance',
  compoundId,
  buildingId,
  order,
  name: e.name,
  households: e.households,
  ...opt('renters', e.renters),
  ...opt('plan', e.plan),
});

function opt<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
