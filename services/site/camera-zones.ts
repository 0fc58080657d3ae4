import type { PlacedDevice } from './devices.ts';

/** A detection zone a camera's analytics reports motion in, with the name people read. */
export interface CameraZone {
  id: string;
  name: { zh: string; en: string };
}

/**
 * The detection zones drawn on each kind of view: what a camera at such a place reports
 * in its motion events' `zone`. One list for the simulated cameras, the rule overrides
 * that name zones (refused when a camera has no such zone) and the titles of motion
 * tickets (the zone's Chinese name in Chinese, not its id).
 */
export const CAMERA_ZONES: Record<PlacedDevice['placeType'], readonly CameraZone[]> = {
  gate: [
    { id: 'gateway', name: { zh: '出入口', en: 'gateway' } },
    { id: 'pavement', name: { zh: '人行道', en: 'pavement' } },
  ],
  lane: [
    { id: 'lane', name: { zh: '巷道', en: 'lane' } },
    { id: 'doorways', name: { zh: '单元门口', en: 'doorways' } },
  ],
  parking: [
    { id: 'bays', name: { zh: '停车位', en: 'parking bays' } },
    { id: 'driveway', name: { zh: '车道', en: 'driveway' } },
  ],
  entrance: [{ id: 'entrance', name: { zh: '单元入口', en: 'entrance' } }],
  square: [{ id: 'square', name: { zh: '广场', en: 'square' } }],
  manhole: [{ id: 'street', name: { zh: '街面', en: 'street' } }],
};

/** The zones of a camera at a place of this type. */
export function cameraZonesAt(placeType: PlacedDevice['placeType']): readonly CameraZone[] {
  return CAMERA_ZONES[placeType];
}
