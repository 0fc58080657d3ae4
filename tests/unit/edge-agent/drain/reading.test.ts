import { describe, expect, it } from 'vitest';
import { decodeInputRegisters, judgeSample, nextPollDelayMs, type SensorRegisters } from '../../../../edge-agent/drivers/drain/reading.ts';
import { decodeTime, encodeTime, fromInt16, INPUT, INPUT_COUNT, STATUS_FLAGS, toInt16 } from '../../../../edge-agent/drivers/drain/register-map.ts';

const LIMITS = { depthMm: 1500, distanceToleranceMm: 50, minEchoQualityPct: 10 };
const AT = Date.parse('2026-07-15T12:00:07.250Z');

function words(over: Partial<Record<keyof typeof INPUT, number>> = {}): number[] {
  const w = new Array<number>(INPUT_COUNT).fill(0);
  const [hi, lo, ms] = encodeTime(AT);
  const [chi, clo, cms] = encodeTime(AT + 3_000);
  const base: Partial<Record<keyof typeof INPUT, number>> = {
    distanceMm: 1100, echoQualityPct: 88, batteryPermille: 912, rssiDbm: fromInt16(-93), sampleCounter: 41,
    sampleTimeHi: hi, sampleTimeLo: lo, sampleTimeMs: ms, statusFlags: 0, clockHi: chi, clockLo: clo, clockMs: cms,
  };
  for (const [k, v] of Object.entries({ ...base, ...over })) w[INPUT[k as keyof typeof INPUT]] = v!;
  return w;
}

const decoded = (over: Partial<Record<keyof typeof INPUT, number>> = {}): SensorRegisters => decodeInputRegisters(words(over))!;

describe('drain sensor registers → drain.level', () => {
  it('decodes the input block: signed fields, times with milliseconds, flags', () => {
    expect(decodeInputRegisters(words({ statusFlags: STATUS_FLAGS.overflow | STATUS_FLAGS.clockNotSet }))).toEqual({
      distanceMm: 1100,
      echoQualityPct: 88,
      errorCode: 0,
      batteryPermille: 912,
      rssiDbm: -93,
      sampleCounter: 41,
      sampleTimeMs: AT,
      overflow: true,
      clockNotSet: true,
      deviceClockMs: AT + 3_000,
    });
    expect(decodeInputRegisters(words().slice(0, 12))).toBeUndefined();
    expect(decodeInputRegisters([...words().slice(0, 12), 70_000])).toBeUndefined();
  });

  it('round-trips times and int16 values through the register encoding', () => {
    for (const t of [0, AT, Date.parse('2099-12-31T23:59:59.999Z')]) {
      const [hi, lo, ms] = encodeTime(t);
      expect(decodeTime(hi, lo, ms)).toBe(t);
    }
    expect([-1, -32768, 0, 32767].map((v) => toInt16(fromInt16(v)))).toEqual([-1, -32768, 0, 32767]);
  });

  it('makes the behaviour model’s fields from a good measurement', () => {
    expect(judgeSample(decoded(), LIMITS)).toEqual({
      ok: true,
      data: { levelMm: 400, distanceMm: 1100, depthMm: 1500, batteryPct: 91.2, rssiDbm: -93, overflow: false },
    });
    // Echo noise just past the invert is an empty manhole, not a fault.
    expect(judgeSample(decoded({ distanceMm: 1530 }), LIMITS)).toMatchObject({ ok: true, data: { levelMm: 0, distanceMm: 1500 } });
    // Water at the sensor face with the rim float switch wet: a full, overflowing manhole.
    expect(judgeSample(decoded({ distanceMm: 0, statusFlags: STATUS_FLAGS.overflow }), LIMITS)).toMatchObject({
      ok: true,
      data: { levelMm: 1500, distanceMm: 0, overflow: true },
    });
  });

  it.each([
    [{ distanceMm: 1551 }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'beyond the manhole depth'],
    [{ distanceMm: 0x7fff }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'no-value marker'],
    [{ distanceMm: fromInt16(-3) }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'negative distance -3'],
    [{ batteryPermille: 1001 }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'battery 1001'],
    [{ echoQualityPct: 101 }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'echo 101'],
    [{ rssiDbm: 5 }, 'OC_DEVICE_IMPLAUSIBLE_VALUE', 'rssi 5'],
    [{ errorCode: 3 }, 'OC_DEVICE_SENSOR_ERROR', 'transducer fault'],
    [{ errorCode: 99 }, 'OC_DEVICE_SENSOR_ERROR', 'sensor error 99 (unknown)'],
    [{ echoQualityPct: 4 }, 'OC_DEVICE_SENSOR_ERROR', 'echo quality 4 %'],
  ])('refuses %j as %s', (over, code, reason) => {
    expect(judgeSample(decoded(over), LIMITS)).toEqual({ ok: false, code, reason: expect.stringContaining(reason) });
  });

  it('polls faster once the water is at the configured share of depth', () => {
    const config = { pollIntervalMs: 60_000, fastPollIntervalMs: 15_000, fastAboveShare: 0.5, depthMm: 1500 };
    expect(nextPollDelayMs(config, undefined)).toBe(60_000);
    expect(nextPollDelayMs(config, 749)).toBe(60_000);
    expect(nextPollDelayMs(config, 750)).toBe(15_000);
    expect(nextPollDelayMs(config, 1500)).toBe(15_000);
  });
});
