import type { DeviceKind } from '../shared/envelope.ts';

export interface RegisteredDevice {
  id: string;
  kind: DeviceKind;
}

/** The devices the gateway lets in: the config store's, kept current by `oc.config` (live-devices.ts). */
export class DeviceRegistry {
  private constructor(private readonly byId: Map<string, RegisteredDevice>) {}

  static fromDevices(devices: readonly RegisteredDevice[]): DeviceRegistry {
    return new DeviceRegistry(new Map(devices.map((d) => [d.id, { id: d.id, kind: d.kind }])));
  }

  get(deviceId: string): RegisteredDevice | undefined {
    return this.byId.get(deviceId);
  }

  /** A device added or changed while the gateway runs. */
  set(device: RegisteredDevice): void {
    this.byId.set(device.id, { id: device.id, kind: device.kind });
  }

  /** A revoked or removed device: its next login is refused as unknown. */
  delete(deviceId: string): void {
    this.byId.delete(deviceId);
  }

  get size(): number {
    return this.byId.size;
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }
}
