import type { AgentStats, DeviceAgent } from '../../../edge-agent/agent-api.ts';
import type { Clock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { listDevices, type PlacedDevice } from '../../../services/site/devices.ts';
import { isOcError, type OcError } from '../../../services/shared/errors.ts';
import { loadSite } from '../../../services/site/load.ts';

export const site = loadSite();
export const siteDevices = listDevices(site);

export function device(id: string): PlacedDevice {
  const d = siteDevices.find((x) => x.id === id);
  if (!d) throw new Error(`no device ${id} in the reference site`);
  return d;
}

/** Local time in Jinan (+08:00) as epoch ms. */
export const jinan = (isoLocal: string): number => Date.parse(`${isoLocal}+08:00`);

export interface Call {
  channel: 'event' | 'telemetry';
  type: string;
  data: Record<string, unknown>;
  ts: number;
  /** Simulated now when the runner handed it over. */
  calledAt: number;
}

/** A DeviceAgent that records what it is given; the runner cannot tell it from an EdgeAgent. */
export class FakeAgent implements DeviceAgent {
  readonly calls: Call[] = [];
  /** Lifecycle calls with the simulated time they came at: start (also power back) and powerOff. */
  readonly lifecycle: Array<{ call: 'start' | 'powerOff'; at: number }> = [];
  started = 0;
  closed = 0;
  private seq = 0;

  constructor(
    readonly deviceId: string,
    readonly kind: PlacedDevice['kind'],
    private readonly clock: Clock,
    private readonly options: { pending?: () => number; drained?: Promise<void>; failWith?: Error } = {},
  ) {}

  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    return this.record('event', type, data, deviceTime);
  }

  emitTelemetry(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    return this.record('telemetry', type, data, deviceTime);
  }

  onConfig(): void {}

  stats(): AgentStats {
    return { connected: true, produced: this.seq, acknowledged: this.seq, pending: this.options.pending?.() ?? 0, reconnects: 0 };
  }

  start(): void {
    this.started++;
    this.lifecycle.push({ call: 'start', at: this.clock.now() });
  }

  async powerOff(): Promise<void> {
    this.lifecycle.push({ call: 'powerOff', at: this.clock.now() });
  }

  whenDrained(): Promise<void> {
    return this.options.drained ?? Promise.resolve();
  }

  async close(): Promise<void> {
    this.closed++;
  }

  private record(channel: 'event' | 'telemetry', type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    if (this.options.failWith) throw this.options.failWith;
    if (!deviceTime) throw new Error('the runner must pass the simulated device time');
    this.calls.push({ channel, type, data, ts: deviceTime.getTime(), calledAt: this.clock.now() });
    return { v: 1, id: `${this.deviceId}-${this.seq}`, deviceId: this.deviceId, kind: this.kind, type, ts: deviceTime.toISOString(), seq: this.seq++, data };
  }
}

/** The OC_CONFIG_INVALID error `fn` throws; anything else (or nothing) fails the test. */
export function configError(fn: () => unknown): OcError {
  try {
    fn();
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) return err;
    throw err;
  }
  throw new Error('expected OC_CONFIG_INVALID');
}
