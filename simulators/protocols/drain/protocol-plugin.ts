import { drainDriverConfigFor } from '../../../edge-agent/drivers/drain/config.ts';
import { DrainDriver } from '../../../edge-agent/drivers/drain/drain-driver.ts';
import { OcError } from '../../../services/shared/errors.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { DRAIN_FAST_SAMPLE_INTERVAL_S } from '../../models/drain.ts';
import { deriveSeed } from '../../prng.ts';
import { simulationClockToleranceMs, type ProtocolDevice, type ProtocolKind, type ProtocolKindContext } from '../protocol-kind.ts';
import { DeliveryWatch } from './delivery-watch.ts';
import { DrainSimulator } from './drain-simulator.ts';

/**
 * The runner hands over what the models produced once per tick (100 ms of wall
 * time by default), so polling much faster than a tick finds nothing new: half a
 * tick is the floor. It is also the schema's floor many times over.
 */
const MIN_POLL_MS = 50;

/**
 * The driver's poll period at `speed` simulated seconds per wall second. The
 * sensor keeps only its latest measurement, so the driver must read between two
 * of the model's readings or miss one. The model reads every 15 simulated seconds
 * once the water is high, which is 15 000 / speed wall ms; the driver polls
 * twice as often. Both poll periods get this value: the model switches to fast
 * sampling on the true level, the driver on the last reading, and near the
 * threshold the two disagree.
 *
 * Above `speed` 150 (with 100 ms ticks) the model takes several readings within
 * one tick; they reach the sensor together and the driver reads the last, as a
 * real driver polling slower than its sensor measures would.
 */
export function drainPollIntervalMs(speed: number): number {
  const fastSampleWallMs = (DRAIN_FAST_SAMPLE_INTERVAL_S * 1000) / Math.max(speed, Number.EPSILON);
  return Math.round(Math.min(DRAIN_FAST_SAMPLE_INTERVAL_S * 1000, Math.max(MIN_POLL_MS, fastSampleWallMs / 2)));
}

/**
 * Drain level sensors for the protocol fleet: one simulated sensor per manhole
 * on an ephemeral loopback port, fed by the behaviour model, and the real
 * DrainDriver polling it over Modbus TCP. The manhole depth for both comes from
 * the site config, as a surveyed depth would on a real installation.
 */
export function openDrainProtocol(ctx: ProtocolKindContext): ProtocolKind {
  const pollIntervalMs = drainPollIntervalMs(ctx.speed);
  // Simulated time moves in steps of (tick × speed) while a request is in flight: not a wrong clock.
  const clockToleranceMs = simulationClockToleranceMs(ctx.speed, 60_000);
  return {
    protocol: 'Modbus TCP',
    async startDevice(device: PlacedDevice): Promise<ProtocolDevice> {
      if (device.depthMm === undefined) throw new OcError('OC_CONFIG_INVALID', `${device.id}: its manhole has no depthMm in the site config`, { keys: ['depthMm'] });
      const sim = await DrainSimulator.start({
        depthMm: device.depthMm,
        clock: ctx.clock,
        seed: deriveSeed(0, device.id),
        host: '127.0.0.1',
        logger: ctx.logger,
        // Measures nothing until the model's first reading, so every level the driver sends is the model's.
        waterSource: 'fed',
      });
      const watch = new DeliveryWatch();
      let driver: DrainDriver | undefined;
      return {
        feed: (output) => {
          const taken = sim.feed(output);
          if (taken) watch.fed(output.at);
          return taken;
        },
        createDriver: (driverCtx) => {
          const config = drainDriverConfigFor(device, { host: '127.0.0.1', port: sim.port, pollIntervalMs, fastPollIntervalMs: pollIntervalMs, clockToleranceMs });
          driver = new DrainDriver(config, { ...driverCtx, agent: watch.observe(driverCtx.agent) });
          return driver;
        },
        whenDelivered: () => (driver ? watch.whenDelivered(() => driver!.status().state === 'fault') : Promise.resolve()),
        close: async () => {
          watch.close();
          await sim.close();
        },
      };
    },
    close: async () => {},
  };
}
