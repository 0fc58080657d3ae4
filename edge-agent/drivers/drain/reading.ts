import type { DrainLevelData } from '../../../services/shared/drain-level.ts';
import type { ErrorCode } from '../../../services/shared/errors.ts';
import { decodeTime, DISTANCE_NO_ECHO, INPUT, INPUT_COUNT, SENSOR_ERRORS, STATUS_FLAGS, toInt16 } from './register-map.ts';

/** The input register block, decoded but not yet judged. */
export interface SensorRegisters {
  /** Signed, as the sensor wrote it; DISTANCE_NO_ECHO is its "no value". */
  distanceMm: number;
  echoQualityPct: number;
  errorCode: number;
  batteryPermille: number;
  rssiDbm: number;
  /** 0 until the sensor measured once after power-up. */
  sampleCounter: number;
  /** Device time of the measurement, epoch ms. */
  sampleTimeMs: number;
  overflow: boolean;
  clockNotSet: boolean;
  /** The device clock when it answered, epoch ms. */
  deviceClockMs: number;
}

export type SampleVerdict = { ok: true; data: DrainLevelData } | { ok: false; code: ErrorCode; reason: string };

export interface PlausibilityLimits {
  depthMm: number;
  distanceToleranceMm: number;
  minEchoQualityPct: number;
}

/** Returns undefined when the block has the wrong size: the caller treats that as a malformed answer. */
export function decodeInputRegisters(words: readonly number[]): SensorRegisters | undefined {
  if (words.length !== INPUT_COUNT || words.some((w) => !Number.isInteger(w) || w < 0 || w > 0xffff)) return undefined;
  const w = (i: number): number => words[i]!;
  return {
    distanceMm: toInt16(w(INPUT.distanceMm)),
    echoQualityPct: w(INPUT.echoQualityPct),
    errorCode: w(INPUT.errorCode),
    batteryPermille: w(INPUT.batteryPermille),
    rssiDbm: toInt16(w(INPUT.rssiDbm)),
    sampleCounter: w(INPUT.sampleCounter),
    sampleTimeMs: decodeTime(w(INPUT.sampleTimeHi), w(INPUT.sampleTimeLo), w(INPUT.sampleTimeMs)),
    overflow: (w(INPUT.statusFlags) & STATUS_FLAGS.overflow) !== 0,
    clockNotSet: (w(INPUT.statusFlags) & STATUS_FLAGS.clockNotSet) !== 0,
    deviceClockMs: decodeTime(w(INPUT.clockHi), w(INPUT.clockLo), w(INPUT.clockMs)),
  };
}

/**
 * Whether a measurement can be believed, and the telemetry it makes. A reading
 * that fails is not published as a level: a wrong number on the duty desk is
 * worse than a gap, and the fault says why the gap is there.
 */
export function judgeSample(r: SensorRegisters, limits: PlausibilityLimits): SampleVerdict {
  if (r.errorCode !== 0) {
    return { ok: false, code: 'OC_DEVICE_SENSOR_ERROR', reason: `sensor error ${r.errorCode} (${SENSOR_ERRORS[r.errorCode] ?? 'unknown'})` };
  }
  if (r.distanceMm === DISTANCE_NO_ECHO) {
    return { ok: false, code: 'OC_DEVICE_IMPLAUSIBLE_VALUE', reason: 'distance holds the no-value marker 0x7FFF' };
  }
  if (r.distanceMm < 0) {
    return { ok: false, code: 'OC_DEVICE_IMPLAUSIBLE_VALUE', reason: `negative distance ${r.distanceMm} mm` };
  }
  if (r.distanceMm > limits.depthMm + limits.distanceToleranceMm) {
    return { ok: false, code: 'OC_DEVICE_IMPLAUSIBLE_VALUE', reason: `distance ${r.distanceMm} mm is beyond the manhole depth ${limits.depthMm} mm` };
  }
  if (r.echoQualityPct > 100 || r.batteryPermille > 1000 || r.rssiDbm > 0 || r.rssiDbm < -150) {
    return {
      ok: false,
      code: 'OC_DEVICE_IMPLAUSIBLE_VALUE',
      reason: `out-of-range status values: echo ${r.echoQualityPct} %, battery ${r.batteryPermille} ‰, rssi ${r.rssiDbm} dBm`,
    };
  }
  if (r.echoQualityPct < limits.minEchoQualityPct) {
    return { ok: false, code: 'OC_DEVICE_SENSOR_ERROR', reason: `echo quality ${r.echoQualityPct} % is below the trusted ${limits.minEchoQualityPct} %` };
  }
  // Within the tolerance a distance past the invert is echo noise: the manhole is empty.
  const distanceMm = Math.min(r.distanceMm, limits.depthMm);
  return {
    ok: true,
    data: {
      levelMm: limits.depthMm - distanceMm,
      distanceMm,
      depthMm: limits.depthMm,
      batteryPct: r.batteryPermille / 10,
      rssiDbm: r.rssiDbm,
      overflow: r.overflow,
    },
  };
}

/** The next poll comes sooner once the water is high, as the sensor itself samples faster then. */
export function nextPollDelayMs(
  config: { pollIntervalMs: number; fastPollIntervalMs: number; fastAboveShare: number; depthMm: number },
  lastLevelMm: number | undefined,
): number {
  const high = lastLevelMm !== undefined && lastLevelMm >= config.fastAboveShare * config.depthMm;
  return high ? config.fastPollIntervalMs : config.pollIntervalMs;
}
