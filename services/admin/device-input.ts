import { DEVICE_KINDS, type DeviceKind } from '../shared/envelope.ts';
import { OcError } from '../shared/errors.ts';
import { isValidDeviceId } from '../shared/topics.ts';
import type { DeviceItem, PlaceItem } from '../config-store/items.ts';

export interface NewDevice {
  deviceId: string;
  kind: string;
  placeId: string;
  name?: { zh: string; en: string } | undefined;
  model?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

/** Where a device may hang: a unit entrance or a public point; a drain sensor only in a manhole. */
export function checkPlacement(kind: string, placeId: string, place: PlaceItem | undefined): DeviceKind {
  if (!(DEVICE_KINDS as readonly string[]).includes(kind)) {
    throw new OcError('OC_DEVICE_KIND_INVALID', `'${kind}' is not one of ${DEVICE_KINDS.join(', ')}`, { field: 'kind' });
  }
  if (!place) throw new OcError('OC_DEVICE_UNKNOWN_PLACE', `no place '${placeId}' at this site`, { field: 'placeId' });
  if (place.type === 'building') {
    throw new OcError('OC_DEVICE_UNKNOWN_PLACE', `'${placeId}' is a building: mount the device at one of its unit entrances`, { field: 'placeId' });
  }
  if (kind === 'drain' && place.type !== 'manhole') {
    throw new OcError('OC_DEVICE_KIND_INVALID', `a drain sensor must be at a manhole; '${placeId}' is a ${place.type}`, { field: 'kind' });
  }
  return kind as DeviceKind;
}

/** The checks of the site file's schema, for one device added while the system runs. */
export function checkNewDevice(input: NewDevice, exists: boolean, place: PlaceItem | undefined, order: number): DeviceItem {
  if (!isValidDeviceId(input.deviceId)) {
    throw new OcError('OC_DEVICE_INVALID', `deviceId '${input.deviceId}' must be 3..64 lower-case letters, digits and dashes`, { field: 'deviceId' });
  }
  if (exists) throw new OcError('OC_DEVICE_DUPLICATE', `'${input.deviceId}' is taken (device ids are unique across the subdistrict, revoked ones too)`, { field: 'deviceId' });
  const kind = checkPlacement(input.kind, input.placeId, place);
  return {
    kind,
    placeId: input.placeId,
    // After the devices already there, in listings and exports.
    order,
    ...(input.name ? { name: input.name } : {}),
    ...(input.model ? { model: input.model } : {}),
    settings: input.settings ?? {},
    state: 'active',
    secretRotation: 0,
    addedLive: true,
  };
}
