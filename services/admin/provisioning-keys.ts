import { randomBytes } from 'node:crypto';
import type { DeviceItem, PlaceItem, ProvisioningKeyItem } from '../config-store/items.ts';
import type { ChangeContext, ConfigStore } from '../config-store/port.ts';
import { generateSecret, hashSecret, verifySecret } from '../gateway/credentials.ts';
import type { Clock } from '../shared/clock.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { checkNewDevice, type NewDevice } from './device-input.ts';
import type { IssuedSecret } from './device-admin.ts';

export interface IssuedKey {
  keyId: string;
  buildingId: string;
  /** `{keyId}.{secret}`: shown once, only the secret's hash is stored. */
  key: string;
  version: number;
}

/**
 * Zero-touch provisioning (issue 17), like ThingsBoard's: an admin issues a key for a
 * building; the installer puts it on a device, which claims its own credentials with it
 * once, for a place of that building. The claim and the spending of the key commit in one
 * transaction, so two devices racing for one key cannot both win.
 */
export class ProvisioningKeys {
  constructor(
    private readonly store: ConfigStore,
    private readonly clock: Clock,
  ) {}

  issue(buildingId: string, who: ChangeContext): IssuedKey {
    const building = this.store.get<PlaceItem>('place', buildingId)?.value;
    if (building?.type !== 'building') throw new OcError('OC_DEVICE_UNKNOWN_PLACE', `no building '${buildingId}' at this site`, { field: 'buildingId' });
    const keyId = randomBytes(6).toString('hex');
    const secret = generateSecret();
    const item = this.store.put<ProvisioningKeyItem>('provisioning-key', keyId, { buildingId, keyHash: hashSecret(secret) }, 0, who);
    return { keyId, buildingId, key: `${keyId}.${secret}`, version: item.version };
  }

  /** The device side: its own credentials, once per key. */
  claim(key: string, device: NewDevice, from: { address?: string }): IssuedSecret {
    const [keyId = '', secret = ''] = key.split('.', 2);
    const held = /^[0-9a-f]{12}$/.test(keyId) ? this.store.get<ProvisioningKeyItem>('provisioning-key', keyId) : undefined;
    if (!held || !verifySecret(secret, held.value.keyHash)) throw new OcError('OC_PROVISIONING_KEY_INVALID', 'the key is not one this site issued');
    if (held.value.spentBy) throw new OcError('OC_PROVISIONING_KEY_SPENT', `spent by ${held.value.spentBy}`);
    const place = this.store.get<PlaceItem>('place', device.placeId)?.value;
    const exists = this.store.versionOf('device', device.deviceId) > 0;
    const item = checkNewDevice(device, exists, place, this.store.list('device').length);
    if (place?.type !== 'entrance' || place.buildingId !== held.value.buildingId) {
      throw new OcError('OC_PROVISIONING_KEY_INVALID', `the key is for building ${held.value.buildingId}; '${device.placeId}' is not one of its unit entrances`, { field: 'placeId' });
    }
    const deviceSecret = generateSecret();
    const who = { actor: `device:${device.deviceId}`, ...(from.address ? { address: from.address } : {}) };
    try {
      const [stored] = this.store.apply(
        [
          { kind: 'device', id: device.deviceId, expectedVersion: 0, value: { ...item, secretHash: hashSecret(deviceSecret) } satisfies DeviceItem },
          { kind: 'provisioning-key', id: keyId, expectedVersion: held.version, value: { ...held.value, spentBy: device.deviceId, spentAt: this.clock.now() } satisfies ProvisioningKeyItem },
        ],
        who,
      );
      return { deviceId: device.deviceId, secret: deviceSecret, version: stored!.version };
    } catch (err) {
      // The other claimant committed first.
      if (isOcError(err, 'OC_CONFIG_VERSION_CONFLICT')) throw new OcError('OC_PROVISIONING_KEY_SPENT', 'another device claimed it a moment ago');
      throw err;
    }
  }
}
