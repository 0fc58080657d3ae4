import type { DeviceAgent } from '../agent-api.ts';
import type { DeviceKind } from '../../services/shared/envelope.ts';

/**
 * How the agent sees the device it talks to. `ok` once the device answered as
 * expected; `fault` while it does not (timeout, garbage, refused login, closed
 * socket, wrong clock beyond tolerance); `connecting` before the first answer.
 */
export type DriverLinkState = 'connecting' | 'ok' | 'fault';

export interface DriverStatus {
  state: DriverLinkState;
  /** Stable code of the last fault (an OcError code), while in `fault`. */
  faultCode?: string;
  /** Human-readable reason of the last fault. */
  faultReason?: string;
  /** Epoch ms of the last good answer from the device. */
  lastOkAt?: number;
  /** Times the link went from `ok` to `fault`. */
  faults: number;
}

/**
 * A device driver: speaks the device's own protocol (ONVIF, Modbus TCP, the door
 * controller's HTTP event stream) and turns what the device says into envelopes
 * through `agent`. Drivers never throw out of their loops: a misbehaving device
 * becomes a `device.fault` event (once per fault episode, with `code` and `reason`)
 * and a `device.recovered` event when it answers properly again; the driver keeps
 * retrying with back-off until closed.
 */
export interface DeviceDriver {
  readonly kind: DeviceKind;
  readonly deviceId: string;
  /** Starts talking to the device in the background; returns at once. */
  start(): void;
  status(): DriverStatus;
  /** Stops polling/subscriptions, closes sockets; resolves when nothing is left open. */
  close(): Promise<void>;
}

/** What every driver needs besides its own protocol settings. */
export interface DriverContext {
  agent: DeviceAgent;
  logger: import('../../services/shared/logger.ts').Logger;
  clock?: import('../../services/shared/clock.ts').Clock;
}
