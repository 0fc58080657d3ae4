import type { DrainLevelData } from '../../services/shared/drain-level.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import type { Rng } from '../prng.ts';
import { bump, DEFAULT_UTC_OFFSET_MIN, localHour, type DeviceModel, type DeviceOutput } from './model.ts';
import { Timeline } from './timeline.ts';

export type DrainAction =
  /** Rain at `intensityMmH` for `durationS`, ramping up and down at the edges. */
  | { do: 'rainstorm'; durationS: number; intensityMmH: number }
  /**
   * Grease builds up in the outlet: blockage (0 clear .. 1 shut) grows by `ratePerHour`
   * up to `maxBlockage`; `blockage` sets where it stands now (an already fouled pipe).
   */
  | { do: 'grease-blockage'; ratePerHour: number; maxBlockage?: number; blockage?: number }
  /** Maintenance jetted the pipe clear. */
  | { do: 'clear-blockage' };

/**
 * The manhole as a bucket. Units: level in mm; flows in litres per second.
 * With a 1 m² chamber, 1 litre raises the level by 1 mm.
 */
export interface DrainPhysics {
  chamberAreaM2: number;
  /** Roof and street area draining into this manhole. */
  catchmentM2: number;
  /** Outlet capacity: outflow = coeff * sqrt(level mm) * (1 - blockage), L/s. */
  outletCoeff: number;
  /** Scales the restaurants' dry-weather flow (busier kitchens, more water). */
  dryFlowScale: number;
}

export interface DrainModelOptions {
  device: PlacedDevice;
  rng: Rng;
  startMs: number;
  utcOffsetMin?: number;
  physics?: Partial<DrainPhysics>;
  /** Blockage at start, 0 (clear) .. 1 (shut). */
  initialBlockage?: number;
  sampleIntervalS?: number;
  /** Sensors sample faster once the water is this high (share of depth), to catch a rise. */
  fastSampleAbove?: number;
  fastSampleIntervalS?: number;
  /** Largest sensor error either way, mm (ultrasonic, after clamping outliers). */
  noiseMaxMm?: number;
  batteryDrainPctPerHour?: number;
}

/** How often the sensor reports while the water is low, and once it is above `fastSampleAbove` (simulated s). */
export const DRAIN_SAMPLE_INTERVAL_S = 60;
export const DRAIN_FAST_SAMPLE_INTERVAL_S = 15;

const INTEGRATION_STEP_MS = 1000;
const MAX_BLOCKAGE = 0.95;

/**
 * Restaurants' waste water by hour, L/s: a trickle at night, breakfast, and
 * the two kitchen peaks at lunch and dinner that carry the grease.
 */
export function dryWeatherFlow(hour: number): number {
  return 0.04 + 0.08 * bump(hour, 7, 0.8) + 0.3 * bump(hour, 12.3, 1) + 0.35 * bump(hour, 18.8, 1.3);
}

/** Storms rise over the first 10% and die away over the last 15% of their duration. */
function stormShape(elapsed: number, duration: number): number {
  if (elapsed < 0 || elapsed >= duration) return 0;
  return Math.min(1, elapsed / (0.1 * duration), (duration - elapsed) / (0.15 * duration));
}

/** A drain level sensor over a manhole fed by restaurants and rain, emptied by a pipe grease can block. */
export class DrainModel implements DeviceModel<DrainAction> {
  readonly kind = 'drain' as const;
  readonly device: PlacedDevice;
  readonly depthMm: number;
  readonly physics: DrainPhysics;
  private readonly rng: Rng;
  private readonly utcOffsetMin: number;
  private readonly sampleMs: number;
  private readonly fastSampleMs: number;
  private readonly fastAboveMm: number;
  private readonly noiseMaxMm: number;
  private readonly batteryDrainPerMs: number;
  private readonly rssiMean: number;
  private readonly timeline = new Timeline();
  private out: DeviceOutput[] = [];
  /** Physics state, integrated up to `physicsAt`. */
  private physicsAt: number;
  private level: number;
  private blockage: number;
  private greaseRatePerMs = 0;
  private greaseMax = MAX_BLOCKAGE;
  private storms: { start: number; durationMs: number; intensityMmH: number }[] = [];
  private battery: number;
  private rssi: number;

  constructor(options: DrainModelOptions) {
    if (options.device.depthMm === undefined) throw new RangeError(`${options.device.id} has no manhole depth`);
    this.device = options.device;
    this.depthMm = options.device.depthMm;
    this.rng = options.rng;
    this.utcOffsetMin = options.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN;
    // Manholes differ: bigger frontages, busier kitchens. Drawn first so the stream stays stable.
    this.physics = {
      chamberAreaM2: 1,
      catchmentM2: this.rng.uniform(150, 190),
      outletCoeff: 0.08,
      dryFlowScale: this.rng.uniform(0.8, 1.2),
      ...options.physics,
    };
    this.sampleMs = (options.sampleIntervalS ?? DRAIN_SAMPLE_INTERVAL_S) * 1000;
    this.fastSampleMs = (options.fastSampleIntervalS ?? DRAIN_FAST_SAMPLE_INTERVAL_S) * 1000;
    this.fastAboveMm = (options.fastSampleAbove ?? 0.5) * this.depthMm;
    this.noiseMaxMm = options.noiseMaxMm ?? 10;
    this.batteryDrainPerMs = (options.batteryDrainPctPerHour ?? 0.02) / 3600_000;
    this.battery = this.rng.uniform(70, 100);
    this.rssiMean = this.rng.uniform(-105, -85);
    this.rssi = this.rssiMean;
    this.blockage = clamp(options.initialBlockage ?? 0, 0, MAX_BLOCKAGE);
    this.physicsAt = options.startMs;
    // Start at the level the current dry-weather flow settles at, not empty.
    const capacity = this.physics.outletCoeff * (1 - this.blockage);
    this.level = Math.min(this.depthMm, (this.dryInflow(options.startMs) / capacity) ** 2);
    // Sensors are not synchronised; a random phase spreads the site's reports.
    this.scheduleSample(options.startMs + Math.round(this.rng.uniform(0, this.sampleMs)));
  }

  schedule(action: DrainAction, atMs: number): void {
    this.timeline.schedule(atMs, (t) => {
      this.integrateTo(t);
      switch (action.do) {
        case 'rainstorm':
          this.storms.push({ start: t, durationMs: action.durationS * 1000, intensityMmH: action.intensityMmH });
          break;
        case 'grease-blockage':
          this.greaseRatePerMs = action.ratePerHour / 3600_000;
          this.greaseMax = clamp(action.maxBlockage ?? MAX_BLOCKAGE, 0, MAX_BLOCKAGE);
          if (action.blockage !== undefined) this.blockage = clamp(action.blockage, 0, MAX_BLOCKAGE);
          break;
        case 'clear-blockage':
          this.greaseRatePerMs = 0;
          this.blockage = 0;
          break;
      }
    });
  }

  advance(untilMs: number): DeviceOutput[] {
    this.timeline.runUntil(untilMs);
    const out = this.out;
    this.out = [];
    return out;
  }

  /** The true water level at the last integration point; tests compare readings with it. */
  trueLevelMm(): number {
    return this.level;
  }

  currentBlockage(): number {
    return this.blockage;
  }

  /** Rain over the catchment, L/s: 1 mm of rain on 1 m² is 1 litre. */
  rainInflow(atMs: number): number {
    let mmPerHour = 0;
    for (const s of this.storms) mmPerHour += s.intensityMmH * stormShape(atMs - s.start, s.durationMs);
    return (mmPerHour * this.physics.catchmentM2) / 3600;
  }

  dryInflow(atMs: number): number {
    return this.physics.dryFlowScale * dryWeatherFlow(localHour(atMs, this.utcOffsetMin));
  }

  /** Explicit Euler in steps of at most a second: the bucket's time constant is minutes. */
  private integrateTo(t: number): void {
    while (this.physicsAt < t) {
      const dtMs = Math.min(INTEGRATION_STEP_MS, t - this.physicsAt);
      const dtS = dtMs / 1000;
      const inflow = this.dryInflow(this.physicsAt) + this.rainInflow(this.physicsAt);
      const outflow = this.physics.outletCoeff * Math.sqrt(this.level) * (1 - this.blockage);
      // Above the rim the water spills onto the street; the chamber stays full.
      this.level = clamp(this.level + ((inflow - outflow) * dtS) / this.physics.chamberAreaM2, 0, this.depthMm);
      this.blockage = Math.min(this.greaseMax, this.blockage + this.greaseRatePerMs * dtMs);
      this.battery = Math.max(0, this.battery - this.batteryDrainPerMs * dtMs);
      this.physicsAt += dtMs;
    }
    this.storms = this.storms.filter((s) => s.start + s.durationMs > this.physicsAt);
  }

  private scheduleSample(at: number): void {
    this.timeline.schedule(at, (t) => {
      this.integrateTo(t);
      this.out.push({ channel: 'telemetry', type: 'drain.level', data: { ...this.read() }, at: t });
      this.scheduleSample(t + (this.level >= this.fastAboveMm ? this.fastSampleMs : this.sampleMs));
    });
  }

  /** What the ultrasonic sensor reports: distance to the water with bounded noise, and the level from it. */
  private read(): DrainLevelData {
    const noise = clamp(this.rng.normal(0, this.noiseMaxMm / 3), -this.noiseMaxMm, this.noiseMaxMm);
    const distanceMm = Math.round(clamp(this.depthMm - this.level + noise, 0, this.depthMm));
    // The radio link drifts with weather and parked cars, pulled back towards its usual strength.
    this.rssi = clamp(this.rssi + this.rng.normal(0, 1) + 0.1 * (this.rssiMean - this.rssi), -120, -60);
    return {
      levelMm: this.depthMm - distanceMm,
      distanceMm,
      depthMm: this.depthMm,
      batteryPct: Math.round(this.battery * 10) / 10,
      rssiDbm: Math.round(this.rssi),
      overflow: this.level >= this.depthMm,
    };
  }
}

const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));
