import type { DeviceDriver, DriverContext } from '../../edge-agent/drivers/driver.ts';
import type { Clock } from '../../services/shared/clock.ts';
import type { Logger } from '../../services/shared/logger.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import type { DeviceOutput } from '../models/model.ts';

/**
 * The contract between simulators/protocol-fleet.ts and one device kind's
 * protocol pair (simulator + real driver). Each kind implements `OpenProtocolKind`
 * next to its simulator and adds one line to ./registry.ts.
 */

/** One device's running protocol simulator, and how to attach the real driver to it. */
export interface ProtocolDevice {
  /** A behaviour-model output, turned into protocol-level device state or events. */
  feed(output: DeviceOutput): unknown;
  /** The real driver for this simulator, connecting over its socket and reporting through `ctx.agent`. */
  createDriver(ctx: DriverContext): DeviceDriver;
  /**
   * Resolves once the driver has read everything fed so far (used to drain on
   * shutdown). Optional: for a polled device the next poll simply reads the state.
   */
  whenDelivered?(): Promise<void>;
  /** Stops the simulator. The fleet closes the driver first. */
  close(): Promise<void>;
}

export interface ProtocolKindContext {
  /** Simulated time: the simulators' device clocks, and the drivers' and agents' clock. */
  clock: Clock;
  logger: Logger;
  /** Site key for card pseudonyms (HMAC-SHA256). */
  siteKey: string;
  /** The agents' outbox file: drivers keep their durable state (cursors) beside the outbox. */
  stateFile: string;
  stateSync: 'FULL' | 'NORMAL';
  /** Simulated seconds per wall second; time tolerances of the drivers scale with it. */
  speed: number;
}

/** A kind's protocol, opened once per fleet: starts one simulator per device and owns what they share. */
export interface ProtocolKind {
  /** For the start-up summary, e.g. "HTTP/JSON event stream". */
  readonly protocol: string;
  /** Starts the device's simulator on an ephemeral loopback port. */
  startDevice(device: PlacedDevice): Promise<ProtocolDevice>;
  /** Releases what the kind's devices share; called after every driver and simulator is closed. */
  close(): Promise<void>;
}

export type OpenProtocolKind = (ctx: ProtocolKindContext) => ProtocolKind;

/**
 * A driver's clock tolerance in a simulation at `speed`: the runner moves simulated
 * time in steps of (tick × speed), so a device clock read a step before the driver
 * reads its own must not look wrong. Never below `floorMs`, the driver's usual one.
 */
export function simulationClockToleranceMs(speed: number, floorMs: number): number {
  return Math.max(floorMs, Math.round(speed * 2_000));
}
