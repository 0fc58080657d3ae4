import { cameraZonesAt } from '../site/camera-zones.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { DeviceContext } from './domain/model.ts';

/** The site's view of a device, as the alerting domain names it. */
export const toDeviceContext = (d: PlacedDevice): DeviceContext => ({
  deviceId: d.id,
  kind: d.kind,
  communityId: d.communityId,
  compoundId: d.compoundId,
  buildingId: d.buildingId,
  placeId: d.placeId,
  name: d.name,
  depthMm: d.depthMm,
  ...(d.kind === 'camera' ? { zones: cameraZonesAt(d.placeType) } : {}),
  ...(d.compoundName ? { compoundName: d.compoundName } : {}),
  ...(d.buildingName ? { buildingName: d.buildingName } : {}),
});
