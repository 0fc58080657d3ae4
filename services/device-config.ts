import type { PlacedDevice } from './site/devices.ts';

/** The retained config the platform publishes to each device on `oc/v1/{id}/config`. */
export function deviceConfig(device: PlacedDevice): Record<string, unknown> {
  const common = { v: 1, deviceId: device.id, heartbeatIntervalS: 60 };
  switch (device.kind) {
    case 'drain':
      return { ...common, depthMm: device.depthMm, samplingIntervalS: 60 };
    case 'door':
      return { ...common, heldOpenAfterS: 60 };
    case 'camera':
      return { ...common, snapshotOnEvent: true };
  }
}
