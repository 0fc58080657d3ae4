import type { DeviceItem, PlaceItem } from './config-store/items.ts';
import type { DeviceKind } from './shared/envelope.ts';
import type { PlacedDevice } from './site/devices.ts';

/** What each kind is told unless its settings say otherwise. */
const KIND_DEFAULTS: Record<DeviceKind, Record<string, unknown>> = {
  drain: { samplingIntervalS: 60 },
  door: { heldOpenAfterS: 60 },
  camera: { snapshotOnEvent: true },
};

/** The retained config the platform publishes to each device on `oc/v1/{id}/config`. */
export function deviceConfig(device: PlacedDevice): Record<string, unknown> {
  const common = { v: 1, deviceId: device.id, heartbeatIntervalS: 60 };
  return { ...common, ...(device.kind === 'drain' ? { depthMm: device.depthMm } : {}), ...KIND_DEFAULTS[device.kind] };
}

/**
 * The same message for a device of the config store (issue 17): where it is, the kind's
 * defaults and the device's own settings over them, so a place or settings change made
 * through the API reaches the device as its new retained config.
 */
export function storedDeviceConfig(deviceId: string, device: DeviceItem, place: PlaceItem | undefined): Record<string, unknown> {
  const depthMm = place && 'depthMm' in place ? place.depthMm : undefined;
  return {
    v: 1,
    deviceId,
    placeId: device.placeId,
    heartbeatIntervalS: 60,
    ...(device.kind === 'drain' ? { depthMm } : {}),
    ...KIND_DEFAULTS[device.kind],
    ...device.settings,
  };
}
