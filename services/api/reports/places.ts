import type { Bilingual, Subject } from '../../alerting/domain/model.ts';
import type { SiteConfig } from '../../site/schema.ts';

/** A place people report at: a unit entrance or a public point, with the path a ticket's subject needs. */
export interface ReportPlace {
  id: string;
  kind: 'entrance' | 'gate' | 'lane' | 'parking' | 'manhole' | 'square';
  name: Bilingual;
  buildingId: string | undefined;
  buildingName: Bilingual | undefined;
  compoundId: string;
  compoundName: Bilingual;
  subject: Subject & { placeId: string };
  plan: { x: number; y: number } | undefined;
}

export function reportPlaces(site: SiteConfig): ReportPlace[] {
  const out: ReportPlace[] = [];
  for (const community of site.communities) {
    for (const compound of community.compounds) {
      const base = { communityId: community.id, compoundId: compound.id, deviceId: undefined, groupId: undefined };
      for (const b of compound.buildings) {
        for (const e of b.entrances) {
          out.push({
            id: e.id,
            kind: 'entrance',
            name: { zh: `${b.name.zh}${e.name.zh}`, en: `${b.name.en} ${e.name.en}` },
            buildingId: b.id,
            buildingName: b.name,
            compoundId: compound.id,
            compoundName: compound.name,
            subject: { ...base, buildingId: b.id, placeId: e.id },
            plan: e.plan,
          });
        }
      }
      for (const p of compound.publicPoints) {
        out.push({ id: p.id, kind: p.type, name: p.name, buildingId: undefined, buildingName: undefined, compoundId: compound.id, compoundName: compound.name, subject: { ...base, buildingId: undefined, placeId: p.id }, plan: p.plan });
      }
    }
  }
  return out;
}

/** The desk's place search: every word must appear in the Chinese or English name or the id. */
export function searchPlaces(places: readonly ReportPlace[], query: string, limit = 20): ReportPlace[] {
  const words = query.toLowerCase().split(/\s+/).filter(Boolean);
  if (words.length === 0) return places.slice(0, limit);
  const text = (p: ReportPlace) => `${p.id} ${p.name.zh} ${p.name.en} ${p.compoundName.zh} ${p.compoundName.en}`.toLowerCase();
  return places.filter((p) => words.every((w) => text(p).includes(w))).slice(0, limit);
}
