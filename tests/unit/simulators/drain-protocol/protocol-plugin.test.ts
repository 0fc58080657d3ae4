import { describe, expect, it } from 'vitest';
import type { DeviceAgent } from '../../../../edge-agent/agent-api.ts';
import { DISTANCE_NO_ECHO, INPUT, INPUT_COUNT } from '../../../../edge-agent/drivers/drain/register-map.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import type { Envelope } from '../../../../services/shared/envelope.ts';
import { DRAIN_FAST_SAMPLE_INTERVAL_S } from '../../../../simulators/models/drain.ts';
import { createRng } from '../../../../simulators/prng.ts';
import { DeliveryWatch } from '../../../../simulators/protocols/drain/delivery-watch.ts';
import { DrainSensor } from '../../../../simulators/protocols/drain/drain-sensor.ts';
import { drainPollIntervalMs } from '../../../../simulators/protocols/drain/protocol-plugin.ts';

const T0 = Date.parse('2026-07-15T20:00:00+08:00');

/** A stand-in agent for the watch (unit test): builds envelopes with the given device time and records the calls. */
function fakeAgent(): DeviceAgent & { calls: string[] } {
  const calls: string[] = [];
  const envelope = (type: string, data: Record<string, unknown>, at?: Date): Envelope => ({
    v: 1, id: `e${calls.length}`, deviceId: 'dl8-drain-m3', kind: 'drain', type, ts: (at ?? new Date(0)).toISOString(), seq: calls.length, data,
  });
  return {
    calls,
    deviceId: 'dl8-drain-m3',
    kind: 'drain',
    emitEvent: (type, data, at) => (calls.push(type), envelope(type, data, at)),
    emitTelemetry: (type, data, at) => (calls.push(type), envelope(type, data, at)),
    onConfig: () => {},
    stats: () => ({ connected: true, produced: calls.length, acknowledged: 0, pending: 0, reconnects: 0 }),
  };
}

/** Whether `p` has settled once the microtasks queued so far have run. */
async function settled(p: Promise<void>): Promise<boolean> {
  let done = false;
  void p.then(() => (done = true));
  await Promise.resolve();
  await Promise.resolve();
  return done;
}

describe('drain poll period from the simulation speed', () => {
  it('polls twice per fastest model sample in wall time', () => {
    const fastMs = DRAIN_FAST_SAMPLE_INTERVAL_S * 1000;
    expect(drainPollIntervalMs(10)).toBe(fastMs / 10 / 2);
    expect(drainPollIntervalMs(60)).toBe(fastMs / 60 / 2);
  });

  it('never polls faster than the runner hands readings over, nor slower than the sensor measures in real time', () => {
    expect(drainPollIntervalMs(600)).toBe(50);
    expect(drainPollIntervalMs(1440)).toBe(50);
    expect(drainPollIntervalMs(1)).toBe(DRAIN_FAST_SAMPLE_INTERVAL_S * 1000 / 2);
    expect(drainPollIntervalMs(0.1)).toBe(DRAIN_FAST_SAMPLE_INTERVAL_S * 1000);
  });
});

describe('drain delivery watch', () => {
  it('waits until the driver handed the latest fed reading to the agent, and passes every call through', async () => {
    const watch = new DeliveryWatch();
    const agent = fakeAgent();
    const seen = watch.observe(agent);
    expect(await settled(watch.whenDelivered(() => false))).toBe(true);

    watch.fed(T0);
    watch.fed(T0 + 15_000);
    const waiting = watch.whenDelivered(() => false);
    seen.emitTelemetry('drain.level', { levelMm: 1 }, new Date(T0));
    expect(await settled(waiting)).toBe(false);
    seen.emitTelemetry('agent.heartbeat', {}, new Date(T0 + 15_000));
    expect(await settled(waiting)).toBe(false);
    const envelope = seen.emitTelemetry('drain.level', { levelMm: 2 }, new Date(T0 + 15_000));
    expect(await settled(waiting)).toBe(true);
    expect(envelope.data).toEqual({ levelMm: 2 });
    expect(agent.calls).toEqual(['drain.level', 'agent.heartbeat', 'drain.level']);
  });

  it('counts a fault as delivered: the driver withholds a reading it does not believe', async () => {
    const watch = new DeliveryWatch();
    const seen = watch.observe(fakeAgent());
    let faulty = false;
    watch.fed(T0);
    const waiting = watch.whenDelivered(() => faulty);
    expect(await settled(waiting)).toBe(false);
    faulty = true;
    seen.emitEvent('device.fault', { code: 'OC_DEVICE_IMPLAUSIBLE_VALUE', reason: 'x' }, new Date(T0));
    expect(await settled(waiting)).toBe(true);
    expect(await settled(watch.whenDelivered(() => true))).toBe(true);
  });

  it('lets waiters go when the sensor closes', async () => {
    const watch = new DeliveryWatch();
    watch.fed(T0);
    const waiting = watch.whenDelivered(() => false);
    watch.close();
    expect(await settled(waiting)).toBe(true);
  });
});

describe('drain sensor started for the behaviour model', () => {
  it('measures nothing until the first reading is fed, so the driver sends no level of its own', () => {
    const clock = new ManualClock(T0);
    const s = new DrainSensor({ depthMm: 1600, clock, rng: createRng(3), waterSource: 'fed' });
    const read = () => {
      const pdu = s.handle({ transactionId: 1, unitId: 1, pdu: Buffer.from([4, 0, 0, 0, INPUT_COUNT]) });
      return Array.from({ length: INPUT_COUNT }, (_, i) => pdu.readUInt16BE(2 + 2 * i));
    };
    expect(s.waterSource).toBe('fed');
    clock.advance(10 * 60_000);
    expect(read()[INPUT.sampleCounter]).toBe(0);
    expect(read()[INPUT.distanceMm]).toBe(DISTANCE_NO_ECHO);
    s.feed({ channel: 'telemetry', type: 'drain.level', data: { levelMm: 400, distanceMm: 1200, depthMm: 1600, batteryPct: 81.5, rssiDbm: -92, overflow: false }, at: clock.now() });
    expect(read()[INPUT.sampleCounter]).toBe(1);
    expect(read()[INPUT.distanceMm]).toBe(1200);
  });
});
