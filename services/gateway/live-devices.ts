import type { ConfigMirror } from '../config-store/config-mirror.ts';
import type { DeviceItem, PlaceItem } from '../config-store/items.ts';
import type { ConfigEvent } from '../config-store/port.ts';
import { storedDeviceConfig } from '../device-config.ts';
import type { Logger } from '../shared/logger.ts';
import type { MemoryCredentialStore } from './credentials.ts';
import type { DeviceRegistry } from './device-registry.ts';
import type { Gateway } from './gateway.ts';

export interface LiveDevices {
  /** Loads every device of the mirror into the registry and the credentials (before the gateway starts). */
  load(): void;
  /** Publishes every device's retained config (after the gateway started). */
  publishAll(): Promise<void>;
  /** Resolves once the config messages of the changes applied so far are published. */
  settled(): Promise<void>;
  stop(): void;
}

const isActive = (d: DeviceItem | null | undefined): d is DeviceItem => !!d && d.state === 'active';

/**
 * The gateway side of `oc.config` (issue 17): the registry, the credentials and the
 * retained config messages follow the device and place items of the mirror. A new device
 * may log in at once; a rotated secret closes the live session (the old secret no longer
 * verifies, so it cannot come back with it); a revoked or removed device is disconnected,
 * forgotten and its retained config cleared.
 */
export function liveDevices(parts: { mirror: ConfigMirror; registry: DeviceRegistry; credentials: MemoryCredentialStore; gateway: () => Gateway | undefined; logger: Logger }): LiveDevices {
  const { mirror, registry, credentials, logger } = parts;
  let pending = Promise.resolve();
  const later = (what: string, work: (gateway: Gateway) => Promise<unknown>) => {
    const gateway = parts.gateway();
    if (!gateway) return;
    pending = pending.then(() => work(gateway)).then(
      () => undefined,
      (err: unknown) => logger.error({ err }, `could not ${what}`),
    );
  };
  const placeOf = (d: DeviceItem) => mirror.get<PlaceItem>('place', d.placeId);

  const admit = (id: string, d: DeviceItem) => {
    registry.set({ id, kind: d.kind });
    if (d.secretHash) credentials.set(id, d.secretHash);
    else credentials.delete(id);
  };

  const onChange = (event: ConfigEvent, previous: unknown) => {
    if (event.kind === 'place') {
      for (const item of mirror.list<DeviceItem>('device')) {
        if (isActive(item.value) && item.value.placeId === event.id) later('publish a device config', (g) => g.publishConfig(item.id, storedDeviceConfig(item.id, item.value, placeOf(item.value))));
      }
      return;
    }
    if (event.kind !== 'device') return;
    const id = event.id;
    const now = event.value as DeviceItem | null;
    const before = previous as DeviceItem | null;
    if (!isActive(now)) {
      registry.delete(id);
      credentials.delete(id);
      parts.gateway()?.disconnect(id);
      if (isActive(before)) later('clear a device config', (g) => g.clearConfig(id));
      logger.info({ deviceId: id }, 'device revoked: disconnected and forgotten');
      return;
    }
    admit(id, now);
    // The hash changed: whoever is connected logged in with the old secret.
    if (before?.secretHash && before.secretHash !== now.secretHash) parts.gateway()?.disconnect(id);
    later('publish a device config', (g) => g.publishConfig(id, storedDeviceConfig(id, now, placeOf(now))));
    logger.info({ deviceId: id, version: event.version }, isActive(before) ? 'device changed' : 'device added');
  };
  const unsubscribe = mirror.onChange(onChange);

  return {
    load: () => {
      for (const item of mirror.list<DeviceItem>('device')) if (isActive(item.value)) admit(item.id, item.value);
    },
    publishAll: async () => {
      const gateway = parts.gateway();
      if (!gateway) return;
      await Promise.all(
        mirror.list<DeviceItem>('device').filter((i) => isActive(i.value)).map((i) => gateway.publishConfig(i.id, storedDeviceConfig(i.id, i.value, placeOf(i.value)))),
      );
    },
    settled: () => pending,
    stop: unsubscribe,
  };
}
