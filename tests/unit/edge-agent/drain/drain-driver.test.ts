import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { DeviceAgent } from '../../../../edge-agent/agent-api.ts';
import { parseDrainDriverConfig } from '../../../../edge-agent/drivers/drain/config.ts';
import { DrainDriver } from '../../../../edge-agent/drivers/drain/drain-driver.ts';
import type { ModbusLink, OpenModbusLink } from '../../../../edge-agent/drivers/drain/modbus-link.ts';
import { encodeTime, INPUT, INPUT_COUNT } from '../../../../edge-agent/drivers/drain/register-map.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import type { Envelope } from '../../../../services/shared/envelope.ts';
import { OcError } from '../../../../services/shared/errors.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';

const T0 = Date.parse('2026-07-15T20:00:00+08:00');

/** An agent that records what the driver hands it. */
function recordingAgent(): DeviceAgent & { sent: Array<{ type: string; data: Record<string, unknown>; at: number }> } {
  const sent: Array<{ type: string; data: Record<string, unknown>; at: number }> = [];
  const record = (type: string, data: Record<string, unknown>, at?: Date) => {
    sent.push({ type, data, at: at!.getTime() });
    return {} as Envelope;
  };
  return {
    deviceId: 'dl8-drain-m1',
    kind: 'drain',
    sent,
    emitEvent: record,
    emitTelemetry: record,
    onConfig: () => {},
    stats: () => ({ connected: true, produced: sent.length, acknowledged: 0, pending: 0, reconnects: 0 }),
  };
}

/** A sensor behind a fake link: each read is a new measurement at `distanceMm`, or throws `failWith`. */
class FakeSensor {
  distanceMm = 1200;
  failWith: OcError | undefined;
  reads: number[] = [];
  opens = 0;
  private counter = 0;
  constructor(private readonly clock: ManualClock) {}

  readonly open: OpenModbusLink = async () => {
    this.opens += 1;
    const link: ModbusLink = {
      readInputRegisters: async () => {
        this.reads.push(this.clock.now());
        if (this.failWith) throw this.failWith;
        const w = new Array<number>(INPUT_COUNT).fill(0);
        this.counter += 1;
        const [hi, lo, ms] = encodeTime(this.clock.now());
        Object.assign(w, { [INPUT.distanceMm]: this.distanceMm, [INPUT.echoQualityPct]: 90, [INPUT.batteryPermille]: 800, [INPUT.rssiDbm]: 0xffa0, [INPUT.sampleCounter]: this.counter });
        [w[INPUT.sampleTimeHi], w[INPUT.sampleTimeLo], w[INPUT.sampleTimeMs]] = [hi, lo, ms];
        [w[INPUT.clockHi], w[INPUT.clockLo], w[INPUT.clockMs]] = [hi, lo, ms];
        return w;
      },
      writeRegisters: async () => {},
      close: async () => {},
    };
    return link;
  };
}

let clock: ManualClock;
beforeEach(() => {
  vi.useFakeTimers({ now: T0, toFake: ['setTimeout', 'clearTimeout', 'Date'] });
  clock = new ManualClock(T0);
});
afterEach(() => {
  vi.useRealTimers();
});

/** Moves the fake timers and the driver's clock together. */
async function elapse(ms: number): Promise<void> {
  clock.advance(ms);
  await vi.advanceTimersByTimeAsync(ms);
}

describe('drain driver poll loop (fake link, fake timers)', () => {
  it('polls at the slow period while the water is low and at the fast period once it is high', async () => {
    const sensor = new FakeSensor(clock);
    const agent = recordingAgent();
    const config = parseDrainDriverConfig({ host: 'fake', depthMm: 1500, pollIntervalMs: 60_000, fastPollIntervalMs: 15_000 });
    const driver = new DrainDriver(config, { agent, logger: silentLogger(), clock }, sensor.open);
    driver.start();
    await elapse(0);
    expect(sensor.reads).toEqual([T0]);
    await elapse(59_999);
    expect(sensor.reads).toHaveLength(1);
    sensor.distanceMm = 500; // the next reading finds the water at two thirds of the depth
    await elapse(1);
    expect(sensor.reads).toEqual([T0, T0 + 60_000]);
    await elapse(15_000);
    expect(sensor.reads).toEqual([T0, T0 + 60_000, T0 + 75_000]);
    expect(agent.sent.map((s) => s.data.levelMm)).toEqual([300, 1000, 1000]);
    await driver.close();
  });

  it('backs off after refusals instead of hammering, and reports the episode once', async () => {
    const sensor = new FakeSensor(clock);
    const agent = recordingAgent();
    const config = parseDrainDriverConfig({ host: 'fake', depthMm: 1500, pollIntervalMs: 1_000, retryInitialMs: 1_000, retryMaxMs: 8_000 });
    const driver = new DrainDriver(config, { agent, logger: silentLogger(), clock }, sensor.open);
    sensor.failWith = new OcError('OC_DEVICE_REFUSED', 'Modbus exception 6 (server device busy)');
    driver.start();
    await elapse(60_000);
    // Delays double up to 8 s with jitter in [d/2, d]: far fewer than the 60 polls of a healthy minute.
    expect(sensor.reads.length).toBeGreaterThanOrEqual(8);
    expect(sensor.reads.length).toBeLessThanOrEqual(20);
    expect(sensor.opens).toBe(1); // the link was kept
    expect(agent.sent.map((s) => s.type)).toEqual(['device.fault']);

    sensor.failWith = undefined;
    await elapse(8_000);
    const types = agent.sent.map((s) => s.type);
    expect(types.slice(0, 3)).toEqual(['device.fault', 'device.recovered', 'drain.level']);
    // Healthy again: every poll (each a new fake measurement) is a reading, no more faults.
    expect(types.slice(3).every((t) => t === 'drain.level')).toBe(true);
    expect(driver.status()).toMatchObject({ state: 'ok' });
    await driver.close();
  });

  it('turns an unexpected link error into a fault and reconnects', async () => {
    const sensor = new FakeSensor(clock);
    const agent = recordingAgent();
    const config = parseDrainDriverConfig({ host: 'fake', depthMm: 1500, pollIntervalMs: 1_000, retryInitialMs: 100, retryMaxMs: 100 });
    const driver = new DrainDriver(config, { agent, logger: silentLogger(), clock }, sensor.open);
    sensor.failWith = new Error('something modbus-serial never documented') as OcError;
    driver.start();
    await elapse(0);
    await elapse(1_000);
    expect(sensor.opens).toBeGreaterThan(3);
    expect(agent.sent).toEqual([{ type: 'device.fault', data: { code: 'OC_DEVICE_MALFORMED_RESPONSE', reason: expect.stringContaining('something modbus-serial never documented') }, at: T0 }]);
    await driver.close();
  });
});
