import type { DeviceKind } from '../shared/envelope.ts';

export interface RegisteredDevice {
  id: string;
  kind: DeviceKind;
}

/** The devices the gateway lets in; the site config is the usual source. */
export class DeviceRegistry {
  private constructor(private readonly byId: ReadonlyMap<string, RegisteredDevice>) {}

  static fromDevices(devices: readonly RegisteredDevice[]): DeviceRegistry {
    return new DeviceRegistry(new Map(devices.map((d) => [d.id, { id: d.id, kind: d.kind }])));
  }

  get(deviceId: string): RegisteredDevice | undefined {
    return this.byId.get(deviceId);
  }

  get size(): number {
    return this.byId.size;
  }

  ids(): IterableIterator<string> {
    return this.byId.keys();
  }
}
