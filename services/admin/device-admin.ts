import type { DeviceItem, PlaceItem } from '../config-store/items.ts';
import type { ChangeContext, ConfigItem, ConfigStore } from '../config-store/port.ts';
import { OcError } from '../shared/errors.ts';
import { generateSecret, hashSecret } from '../gateway/credentials.ts';
import { checkNewDevice, checkPlacement, type NewDevice } from './device-input.ts';

export interface IssuedSecret {
  deviceId: string;
  /** Shown once: only its hash is stored. */
  secret: string;
  version: number;
}

export interface DevicePatch {
  /** The version the editor read (optimistic check: 409 with the current one). */
  version: number;
  placeId?: string | undefined;
  name?: { zh: string; en: string } | undefined;
  model?: string | undefined;
  settings?: Record<string, unknown> | undefined;
}

/**
 * What an admin does to devices (issue 17), as changes of the config store; the gateway and
 * alerting apply them from `oc.config`. Every refusal is an OcError with a catalogue code.
 */
export class DeviceAdmin {
  constructor(private readonly store: ConfigStore) {}

  list(): ConfigItem<DeviceItem>[] {
    return this.store.list<DeviceItem>('device');
  }

  get(deviceId: string): ConfigItem<DeviceItem> {
    const item = this.store.get<DeviceItem>('device', deviceId);
    if (!item) throw new OcError('OC_DEVICE_NOT_FOUND', deviceId);
    return item;
  }

  create(input: NewDevice, who: ChangeContext): IssuedSecret {
    const exists = this.store.versionOf('device', input.deviceId) > 0;
    const item = checkNewDevice(input, exists, this.place(input.placeId), this.store.list('device').length);
    const secret = generateSecret();
    const stored = this.store.put<DeviceItem>('device', input.deviceId, { ...item, secretHash: hashSecret(secret) }, 0, who);
    return { deviceId: input.deviceId, secret, version: stored.version };
  }

  /** A new secret; the old one stops at once and the live session is closed (by the gateway). */
  rotate(deviceId: string, who: ChangeContext): IssuedSecret {
    const item = this.get(deviceId);
    if (item.value.state === 'revoked') throw new OcError('OC_DEVICE_REVOKED', `${deviceId} was revoked; add it again under a new id`);
    const secret = generateSecret();
    const stored = this.store.put<DeviceItem>('device', deviceId, { ...item.value, secretHash: hashSecret(secret), secretRotation: item.value.secretRotation + 1 }, item.version, who);
    return { deviceId, secret, version: stored.version };
  }

  /** For good: the hash is dropped, the session closed and every later login refused. Revoking twice changes nothing. */
  revoke(deviceId: string, who: ChangeContext): ConfigItem<DeviceItem> {
    const item = this.get(deviceId);
    if (item.value.state === 'revoked') return item;
    const { secretHash: _dropped, ...rest } = item.value;
    return this.store.put<DeviceItem>('device', deviceId, { ...rest, state: 'revoked' }, item.version, who);
  }

  /** Place, name, model or settings; the device gets them as its new retained config. */
  patch(deviceId: string, patch: DevicePatch, who: ChangeContext): ConfigItem<DeviceItem> {
    const item = this.get(deviceId);
    if (patch.version !== item.version) {
      throw new OcError('OC_CONFIG_VERSION_CONFLICT', `device ${deviceId} is at version ${item.version}, not ${patch.version}`, { kind: 'device', id: deviceId, currentVersion: item.version, expectedVersion: patch.version });
    }
    if (item.value.state === 'revoked') throw new OcError('OC_DEVICE_REVOKED', `${deviceId} was revoked`);
    const placeId = patch.placeId ?? item.value.placeId;
    if (patch.placeId !== undefined) checkPlacement(item.value.kind, placeId, this.place(placeId));
    const next: DeviceItem = {
      ...item.value,
      placeId,
      ...(patch.name ? { name: patch.name } : {}),
      ...(patch.model !== undefined ? { model: patch.model } : {}),
      ...(patch.settings ? { settings: { ...item.value.settings, ...patch.settings } } : {}),
    };
    return this.store.put<DeviceItem>('device', deviceId, next, item.version, who);
  }

  private place(placeId: string): PlaceItem | undefined {
    return this.store.get<PlaceItem>('place', placeId)?.value;
  }
}
