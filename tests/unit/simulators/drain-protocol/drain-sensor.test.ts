import { describe, expect, it } from 'vitest';
import { DISTANCE_NO_ECHO, HOLDING, INPUT, INPUT_COUNT, STATUS_FLAGS, decodeTime, toInt16 } from '../../../../edge-agent/drivers/drain/register-map.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import { createRng } from '../../../../simulators/prng.ts';
import { DrainSensor, FACTORY_CLOCK_MS, type DrainSensorOptions } from '../../../../simulators/protocols/drain/drain-sensor.ts';

const T0 = Date.parse('2026-07-15T20:00:00+08:00');
const DEPTH = 1500;

function sensor(extra: Partial<DrainSensorOptions> = {}): { s: DrainSensor; clock: ManualClock } {
  const clock = new ManualClock(T0);
  return { s: new DrainSensor({ depthMm: DEPTH, clock, rng: createRng(5), ...extra }), clock };
}

/** Sends one request PDU as unit `unit`; returns the answer PDU. */
const ask = (s: DrainSensor, pdu: number[], unit = 1) => s.handle({ transactionId: 9, unitId: unit, pdu: Buffer.from(pdu) });
const u16 = (n: number) => [n >> 8, n & 0xff];

/** Registers of a read answer; throws on an exception answer, so a test sees which. */
function registers(answer: Buffer): number[] {
  if (answer[0]! & 0x80) throw new Error(`exception ${answer[1]}`);
  return Array.from({ length: answer[1]! / 2 }, (_, i) => answer.readUInt16BE(2 + 2 * i));
}
const input = (s: DrainSensor) => registers(ask(s, [4, ...u16(0), ...u16(INPUT_COUNT)]));
const sampleTime = (r: number[]) => decodeTime(r[INPUT.sampleTimeHi]!, r[INPUT.sampleTimeLo]!, r[INPUT.sampleTimeMs]!);
const deviceClock = (r: number[]) => decodeTime(r[INPUT.clockHi]!, r[INPUT.clockLo]!, r[INPUT.clockMs]!);

describe('simulated drain sensor registers', () => {
  it('measures the bucket at power-up and then once per period as the clock moves', () => {
    const { s, clock } = sensor({ noiseMaxMm: 10 });
    let r = input(s);
    expect(r[INPUT.sampleCounter]).toBe(1);
    expect(sampleTime(r)).toBe(T0);
    expect(deviceClock(r)).toBe(T0);
    expect(Math.abs(DEPTH - s.manhole.levelMm - toInt16(r[INPUT.distanceMm]!))).toBeLessThanOrEqual(10.5);

    clock.advance(59_999);
    expect(input(s)[INPUT.sampleCounter]).toBe(1);
    clock.advance(1);
    r = input(s);
    expect(r[INPUT.sampleCounter]).toBe(2);
    expect(sampleTime(r)).toBe(T0 + 60_000);
    // A long gap is caught up period by period: the counter says how many were taken.
    clock.advance(10 * 60_000);
    expect(input(s)[INPUT.sampleCounter]).toBe(12);
  });

  it('measures at the fast period while the water is near the sensor', () => {
    const { s, clock } = sensor({ fastBelowDistanceMm: DEPTH + 1 });
    clock.advance(15_000);
    expect(input(s)[INPUT.sampleCounter]).toBe(2);
    const slow = sensor({ fastBelowDistanceMm: 0 });
    slow.clock.advance(15_000);
    expect(input(slow.s)[INPUT.sampleCounter]).toBe(1);
  });

  it('takes the behaviour model’s reading into its registers exactly, and then measures only what is fed', () => {
    const { s, clock } = sensor();
    const data = { levelMm: 612, distanceMm: 888, depthMm: DEPTH, batteryPct: 87.3, rssiDbm: -97, overflow: false };
    expect(s.feed({ channel: 'telemetry', type: 'drain.level', data, at: T0 + 12_345 })).toBe(true);
    let r = input(s);
    expect(s.waterSource).toBe('fed');
    expect(toInt16(r[INPUT.distanceMm]!)).toBe(888);
    expect(r[INPUT.batteryPermille]).toBe(873);
    expect(toInt16(r[INPUT.rssiDbm]!)).toBe(-97);
    expect(r[INPUT.statusFlags]! & STATUS_FLAGS.overflow).toBe(0);
    expect(sampleTime(r)).toBe(T0 + 12_345);
    expect(r[INPUT.sampleCounter]).toBe(2);

    s.feed({ channel: 'telemetry', type: 'drain.level', data: { ...data, distanceMm: 0, levelMm: DEPTH, overflow: true }, at: T0 + 20_000 });
    r = input(s);
    expect(r[INPUT.statusFlags]! & STATUS_FLAGS.overflow).toBe(STATUS_FLAGS.overflow);
    // The bucket no longer measures: time passing adds no readings.
    clock.advance(3600_000);
    expect(input(s)[INPUT.sampleCounter]).toBe(3);

    expect(s.feed({ channel: 'event', type: 'door.opened', data: {}, at: T0 })).toBe(false);
    expect(s.feed({ channel: 'telemetry', type: 'drain.level', data: { levelMm: 1 }, at: T0 })).toBe(false);
    expect(input(s)[INPUT.sampleCounter]).toBe(3);
  });

  it('sets its clock from one FC 16 write of all three clock registers, and refuses half a time', () => {
    const { s } = sensor();
    s.skewClock(-90_000);
    expect(deviceClock(input(s))).toBe(T0 - 90_000);
    const target = T0 + 250;
    const seconds = Math.floor(target / 1000);
    const write = [0x10, ...u16(HOLDING.clockHi), ...u16(3), 6, ...u16(Math.floor(seconds / 65536)), ...u16(seconds % 65536), ...u16(250)];
    expect([...ask(s, write)]).toEqual([0x10, ...u16(HOLDING.clockHi), ...u16(3)]);
    expect(s.clockSkewMs).toBe(250);
    expect(deviceClock(input(s))).toBe(target);

    // Two of the three clock registers, or a single one by FC 06: illegal data value, nothing applied.
    expect([...ask(s, [0x10, ...u16(HOLDING.clockLo), ...u16(2), 4, 0, 1, 0, 2])]).toEqual([0x90, 3]);
    expect([...ask(s, [6, ...u16(HOLDING.clockMs), ...u16(5)])]).toEqual([0x86, 3]);
    expect(s.clockSkewMs).toBe(250);
  });

  it('answers bad requests with the exception a real device would, changing nothing', () => {
    const { s } = sensor();
    const before = registers(ask(s, [3, ...u16(0), ...u16(7)]));
    expect(before.slice(0, 3)).toEqual([60, 15, DEPTH / 2]);

    expect([...ask(s, [4, ...u16(10), ...u16(4)])]).toEqual([0x84, 2]); // past the input block
    expect([...ask(s, [0x10, ...u16(6), ...u16(2), 4, 0, 1, 0, 1])]).toEqual([0x90, 2]); // past the holding block
    expect([...ask(s, [6, ...u16(HOLDING.measureIntervalS), ...u16(0)])]).toEqual([0x86, 3]);
    expect([...ask(s, [6, ...u16(HOLDING.measureNow), ...u16(2)])]).toEqual([0x86, 3]);
    // All or nothing: a good interval next to a bad one is not applied either.
    expect([...ask(s, [0x10, ...u16(0), ...u16(2), 4, ...u16(30), ...u16(4000)])]).toEqual([0x90, 3]);
    expect([...ask(s, [1, ...u16(0), ...u16(1)])]).toEqual([0x81, 1]);
    expect([...ask(s, [4, ...u16(0), ...u16(1)], 7)]).toEqual([0x84, 0x0b]);
    expect(registers(ask(s, [3, ...u16(0), ...u16(3)]))).toEqual(before.slice(0, 3));

    // Unit 0xFF ("whoever you are") is answered, and a good write sticks.
    expect(registers(ask(s, [4, ...u16(0), ...u16(1)], 0xff))).toHaveLength(1);
    expect([...ask(s, [6, ...u16(HOLDING.measureIntervalS), ...u16(30)])]).toEqual([6, ...u16(0), ...u16(30)]);
    expect(registers(ask(s, [3, ...u16(0), ...u16(1)]))).toEqual([30]);
  });

  it('measures on command, writes scripted faults into its measurements, and restarts its counter on reboot', () => {
    const { s } = sensor();
    ask(s, [6, ...u16(HOLDING.measureNow), ...u16(1)]);
    expect(input(s)[INPUT.sampleCounter]).toBe(2);

    s.sensorFault({ distanceMm: DISTANCE_NO_ECHO, errorCode: 1 });
    expect(toInt16(input(s)[INPUT.distanceMm]!)).not.toBe(DISTANCE_NO_ECHO); // only the next measurement
    s.measureNow();
    let r = input(s);
    expect([r[INPUT.distanceMm], r[INPUT.errorCode]]).toEqual([DISTANCE_NO_ECHO, 1]);
    s.sensorFault({ distanceMm: -40 });
    s.measureNow();
    expect(toInt16(input(s)[INPUT.distanceMm]!)).toBe(-40);
    s.clearSensorFault();
    s.measureNow();
    r = input(s);
    expect(r[INPUT.errorCode]).toBe(0);
    expect(toInt16(r[INPUT.distanceMm]!)).toBeGreaterThanOrEqual(0);

    s.reboot();
    expect(input(s)[INPUT.sampleCounter]).toBe(1);
    expect(input(s)[INPUT.statusFlags]! & STATUS_FLAGS.clockNotSet).toBe(0);
    s.reboot({ loseClock: true });
    r = input(s);
    expect(r[INPUT.statusFlags]! & STATUS_FLAGS.clockNotSet).toBe(STATUS_FLAGS.clockNotSet);
    expect(deviceClock(r)).toBe(FACTORY_CLOCK_MS);
    expect(sampleTime(r)).toBe(FACTORY_CLOCK_MS);
  });

  it('a fed sensor that reboots has no measurement until the model reports again', () => {
    const { s } = sensor();
    s.feed({ channel: 'telemetry', type: 'drain.level', data: { distanceMm: 900, batteryPct: 80, rssiDbm: -90, overflow: false }, at: T0 });
    s.reboot();
    const r = input(s);
    expect(r[INPUT.sampleCounter]).toBe(0);
    expect(r[INPUT.distanceMm]).toBe(DISTANCE_NO_ECHO);
  });
});
