import type { PlacedDevice } from '../site/devices.ts';

/** The tags that say where a device is and what it is; see SCHEMA.md "Tags". */
export type SiteTags = Readonly<Record<string, string>>;

/**
 * Device id to its site path tags, from the site file. A device missing here has no
 * place, so its points could never be found by compound or building: they are refused.
 */
export function siteTagIndex(devices: readonly PlacedDevice[]): ReadonlyMap<string, SiteTags> {
  return new Map(
    devices.map((d) => {
      const tags: Record<string, string> = { community: d.communityId, compound: d.compoundId, place: d.placeId, device: d.id, kind: d.kind };
      if (d.buildingId !== undefined) tags.building = d.buildingId;
      return [d.id, tags];
    }),
  );
}
