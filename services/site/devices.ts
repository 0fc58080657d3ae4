import type { DeviceKind } from '../shared/envelope.ts';
import type { SiteConfig } from './schema.ts';

/** A device with the path of places it sits in, as the gateway and simulators need it. */
export interface PlacedDevice {
  id: string;
  kind: DeviceKind;
  communityId: string;
  compoundId: string;
  /** Building id for unit-entrance devices; undefined at public points. */
  buildingId: string | undefined;
  placeId: string;
  placeType: 'entrance' | 'gate' | 'lane' | 'parking' | 'manhole' | 'square';
  name: { zh: string; en: string };
  /** Manhole depth for drain sensors. */
  depthMm: number | undefined;
  /** Names of the places around it, for messages people read (ids otherwise). */
  compoundName?: { zh: string; en: string };
  buildingName?: { zh: string; en: string };
}

export function listDevices(site: SiteConfig): PlacedDevice[] {
  const out: PlacedDevice[] = [];
  for (const community of site.communities) {
    for (const compound of community.compounds) {
      for (const d of compound.devices) {
        const building = compound.buildings.find((b) => b.entrances.some((e) => e.id === d.at));
        const entrance = building?.entrances.find((e) => e.id === d.at);
        const point = compound.publicPoints.find((p) => p.id === d.at);
        const placeName = entrance
          ? { zh: `${building!.name.zh}${entrance.name.zh}`, en: `${building!.name.en} ${entrance.name.en}` }
          : point!.name;
        const kindName = KIND_NAMES[d.kind];
        out.push({
          id: d.id,
          kind: d.kind,
          communityId: community.id,
          compoundId: compound.id,
          buildingId: building?.id,
          placeId: d.at,
          placeType: entrance ? 'entrance' : point!.type,
          name: d.name ?? { zh: `${placeName.zh}${kindName.zh}`, en: `${placeName.en} ${kindName.en}` },
          depthMm: point?.depthMm,
          compoundName: compound.name,
          ...(building ? { buildingName: building.name } : {}),
        });
      }
    }
  }
  return out;
}

const KIND_NAMES: Record<DeviceKind, { zh: string; en: string }> = {
  door: { zh: '门禁', en: 'door controller' },
  camera: { zh: '摄像机', en: 'camera' },
  drain: { zh: '液位计', en: 'drain level sensor' },
};
