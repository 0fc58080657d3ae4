import type { PlacedDevice } from '../../services/site/devices.ts';
import { createRng, deriveSeed } from '../prng.ts';
import { CameraModel } from './camera.ts';
import { DoorModel } from './door.ts';
import { DrainModel } from './drain.ts';
import type { DeviceModel } from './model.ts';

export interface ModelContext {
  seed: number;
  startMs: number;
  utcOffsetMin: number;
  /** Key for card pseudonyms; one per site. */
  siteKey: string | Buffer;
}

/** The behaviour model for a placed device, seeded from the scenario seed and the device id. */
export function createDeviceModel(device: PlacedDevice, ctx: ModelContext): DeviceModel {
  const rng = createRng(deriveSeed(ctx.seed, device.id));
  const common = { device, rng, startMs: ctx.startMs, utcOffsetMin: ctx.utcOffsetMin };
  switch (device.kind) {
    case 'door':
      return new DoorModel({ ...common, siteKey: ctx.siteKey }) as DeviceModel;
    case 'camera':
      return new CameraModel(common) as DeviceModel;
    case 'drain':
      return new DrainModel(common) as DeviceModel;
  }
}

export { CameraModel, DoorModel, DrainModel };
export type { DeviceModel };
