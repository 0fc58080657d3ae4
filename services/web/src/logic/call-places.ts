/**
 * The places a call can be logged at (issue 16), from the site plan the desk already has:
 * every unit entrance and public point, named as the report pages name them, and the
 * desk's search over both languages.
 */
import type { Bilingual } from '../api/types.ts';
import type { PlanCompound, SitePlan } from '../api/views.ts';

export interface CallPlace {
  id: string;
  compoundId: string;
  /** Set for a unit entrance. */
  buildingId: string | undefined;
  name: Bilingual;
}

export function callPlaces(plan: SitePlan): CallPlace[] {
  const out: CallPlace[] = [];
  for (const compound of plan.subdistrict.communities.flatMap((c) => c.compounds)) {
    for (const b of compound.buildings) {
      for (const e of b.entrances) out.push({ id: e.id, compoundId: compound.id, buildingId: b.id, name: { zh: `${b.name.zh}${e.name.zh}`, en: `${b.name.en} ${e.name.en}` } });
    }
    for (const p of compound.publicPoints) out.push({ id: p.id, compoundId: compound.id, buildingId: undefined, name: p.name });
  }
  return out;
}

/** Every word typed must appear in the Chinese or English name or the id: `M3号`, `manhole m3`, `1号楼 1单元`. */
export function matchPlaces(places: readonly CallPlace[], query: string, limit = 8): CallPlace[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return [];
  const text = (p: CallPlace) => `${p.id} ${p.name.zh} ${p.name.en}`.toLowerCase();
  return places.filter((p) => words.every((w) => text(p).includes(w))).slice(0, limit);
}

/** What a click on the plan picked: a place a call can be logged at, or a building whose entrances to choose from. */
export function pickedOnPlan(compound: PlanCompound | undefined, places: readonly CallPlace[], id: string | undefined): { place?: CallPlace; building?: PlanCompound['buildings'][number] } {
  if (!id || !compound) return {};
  const place = places.find((p) => p.id === id && p.compoundId === compound.id);
  if (place) return { place };
  const building = compound.buildings.find((b) => b.id === id);
  return building ? { building } : {};
}
