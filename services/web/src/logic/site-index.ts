/**
 * Names and places from the site plan, looked up by the ids tickets carry. Place ids are
 * unique within a compound only, so places are keyed by compound and id.
 */
import type { Bilingual } from '../api/types.ts';
import type { PlanBuilding, PlanCommunity, PlanCompound, PlanDevice, PlanPublicPoint, SitePlan } from '../api/views.ts';

export interface PlaceInfo {
  id: string;
  community: PlanCommunity;
  compound: PlanCompound;
  building?: PlanBuilding;
  /** Set for a unit entrance. */
  entranceName?: Bilingual;
  point?: PlanPublicPoint;
}

export interface LocatedDevice extends PlanDevice {
  placeId: string;
  compoundId: string;
  communityId: string;
}

export class SiteIndex {
  private readonly places = new Map<string, PlaceInfo>();
  private readonly devices = new Map<string, LocatedDevice>();
  private readonly compounds = new Map<string, PlanCompound>();

  constructor(readonly plan: SitePlan) {
    for (const community of plan.subdistrict.communities) {
      for (const compound of community.compounds) {
        this.compounds.set(compound.id, compound);
        const located = (placeId: string, list: PlanDevice[]) => {
          for (const d of list) this.devices.set(d.id, { ...d, placeId, compoundId: compound.id, communityId: community.id });
        };
        for (const building of compound.buildings) {
          this.places.set(key(compound.id, building.id), { id: building.id, community, compound, building });
          for (const e of building.entrances) {
            this.places.set(key(compound.id, e.id), { id: e.id, community, compound, building, entranceName: e.name });
            located(e.id, e.devices);
          }
        }
        for (const point of compound.publicPoints) {
          this.places.set(key(compound.id, point.id), { id: point.id, community, compound, point });
          located(point.id, point.devices);
        }
      }
    }
  }

  get communities(): PlanCommunity[] {
    return this.plan.subdistrict.communities;
  }

  place(compoundId: string, placeId: string | undefined): PlaceInfo | undefined {
    return placeId ? this.places.get(key(compoundId, placeId)) : undefined;
  }

  device(id: string | undefined): LocatedDevice | undefined {
    return id ? this.devices.get(id) : undefined;
  }

  allDevices(): LocatedDevice[] {
    return [...this.devices.values()];
  }

  /**
   * "3号楼2单元" / "Building 3 Unit 2", "北门" / "North Gate"; a compound-wide ticket (a storm,
   * an outage: its place is the compound itself) gets the compound's name; the raw id only
   * when nothing better is known.
   */
  placeLabel(subject: { compoundId: string; placeId?: string | undefined; buildingId?: string | undefined }, lang: 'zh' | 'en'): string {
    const p = this.place(subject.compoundId, subject.placeId) ?? this.place(subject.compoundId, subject.buildingId);
    const compound = this.compounds.get(subject.compoundId);
    if (!p && compound && (subject.placeId === undefined || subject.placeId === compound.id)) return compound.name[lang];
    if (!p) return subject.placeId ?? subject.compoundId;
    if (p.entranceName && p.building) return lang === 'zh' ? `${p.building.name.zh}${p.entranceName.zh}` : `${p.building.name.en} ${p.entranceName.en}`;
    return (p.point?.name ?? p.building?.name ?? p.compound.name)[lang];
  }
}

const key = (compoundId: string, placeId: string) => `${compoundId}/${placeId}`;
