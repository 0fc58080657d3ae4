import { randomBytes } from 'node:crypto';
import { once } from 'node:events';
import { OnvifCameraDriver } from '../../../edge-agent/drivers/camera/onvif-camera-driver.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import type { DeviceOutput } from '../../models/model.ts';
import { simulationClockToleranceMs, type ProtocolDevice, type ProtocolKind, type ProtocolKindContext } from '../protocol-kind.ts';
import { OnvifCameraSimulator } from './onvif-camera-simulator.ts';

/** Longest PullMessages wait, wall time: ONVIF's PT1M, which the driver asks for and the camera grants. */
const PULL_WAIT_MS = 60_000;
/** Wall time a session may take from reading the camera clock to its last request (a loaded machine, many cameras). */
const SESSION_WALL_MS = 30_000;
/** The simulator's defaults at speed 1: a pull point for PT2M, tokens within ±5 min. */
const SUBSCRIPTION_MS = 2 * 60_000;
const AUTH_WINDOW_MS = 5 * 60_000;
const DRIVER_CLOCK_TOLERANCE_MS = 10_000;

/**
 * ONVIF cameras for the protocol fleet: one simulated camera per device on an
 * ephemeral loopback port, with its own account and random password, and the
 * real OnvifCameraDriver subscribed to its pull point.
 *
 * The camera clock is the simulation clock, which runs `speed` times faster than
 * wall time; what the camera judges by its clock is widened to match. A pull
 * point lasts at least two long polls of simulated time (else it expires during
 * one, and what the model raised meanwhile is lost); a WS-Security token's
 * `Created` may be as far off as a slow session of simulated time (the driver's
 * token clock ticks with wall time between two readings of the camera clock).
 *
 * A camera keeps no events for a subscriber that is not there yet. The fleet
 * starts camera, driver and models together, and a session takes a few requests:
 * outputs fed before the driver's first PullMessages are held and raised then, at
 * their own device times, as if the driver had been subscribed all along. After
 * that the camera behaves as a real one: what it raises while the driver is away
 * (a fault, a restart) is gone, and only states come back as `Initialized`.
 */
export function openCameraProtocol(ctx: ProtocolKindContext): ProtocolKind {
  const clockToleranceMs = simulationClockToleranceMs(ctx.speed, DRIVER_CLOCK_TOLERANCE_MS);
  const minSubscriptionMs = Math.max(SUBSCRIPTION_MS, Math.round(ctx.speed * 2 * PULL_WAIT_MS));
  const authMaxSkewMs = Math.max(AUTH_WINDOW_MS, Math.round(ctx.speed * SESSION_WALL_MS));
  return {
    protocol: 'ONVIF (SOAP pull-point events)',
    async startDevice(device: PlacedDevice): Promise<ProtocolDevice> {
      const username = `oc-${device.id}`;
      const password = randomBytes(12).toString('base64url');
      const sim = new OnvifCameraSimulator({
        username,
        password,
        clock: ctx.clock,
        identity: { serialNumber: device.id },
        authMaxSkewMs,
        minSubscriptionMs,
        logger: ctx.logger,
      });
      await sim.listen();
      let held: DeviceOutput[] | undefined = [];
      const firstPull = once(sim, 'pulling').then(() => {
        for (const output of held ?? []) sim.feed(output);
        held = undefined;
      });
      let driver: OnvifCameraDriver | undefined;
      return {
        feed: (output) => {
          if (!held) return sim.feed(output);
          held.push(output);
          return true;
        },
        createDriver: (driverCtx) => {
          driver = new OnvifCameraDriver({ url: sim.url, username, password, clockToleranceMs }, driverCtx);
          return driver;
        },
        whenDelivered: async () => {
          // A camera in a fault episode pulls nothing; waiting for it would only hold up the shutdown.
          if (!driver || driver.status().state === 'fault') return;
          if (held) await firstPull;
          await sim.whenPulledThrough();
        },
        close: () => sim.close(),
      };
    },
    close: async () => {},
  };
}
