import { dryWeatherFlow, type DrainPhysics } from '../../models/drain.ts';
import { DEFAULT_UTC_OFFSET_MIN, localHour } from '../../models/model.ts';

/**
 * The water in one manhole, for the stand-alone simulator: a bucket filled by
 * the restaurants' dry-weather flow and by rain on the catchment, emptied by an
 * outlet pipe that grease narrows. Units: level mm, flows L/s; with a 1 m²
 * chamber 1 litre raises the level by 1 mm.
 *
 * The equations and the dry-weather profile are the behaviour model's
 * (simulators/models/drain.ts), so a stand-alone sensor and a scenario run
 * agree. The model keeps its integrator private, so the bucket is restated here
 * without the model's sampling and scripting; no I/O, time is passed in.
 */
export interface ManholeOptions {
  depthMm: number;
  /** Epoch ms the bucket starts at; it starts at the level the dry-weather flow settles at. */
  startMs: number;
  physics?: Partial<DrainPhysics>;
  utcOffsetMin?: number;
  /** 0 (clear) .. MAX_BLOCKAGE. */
  initialBlockage?: number;
}

export const DEFAULT_MANHOLE_PHYSICS: DrainPhysics = { chamberAreaM2: 1, catchmentM2: 170, outletCoeff: 0.08, dryFlowScale: 1 };

/** A pipe never shuts completely: some water always seeps past the grease. */
export const MAX_BLOCKAGE = 0.95;
const STEP_MS = 1000;

interface Rain {
  startMs: number;
  endMs: number;
  intensityMmH: number;
}

export class Manhole {
  readonly depthMm: number;
  readonly physics: DrainPhysics;
  private readonly utcOffsetMin: number;
  private atMs: number;
  private level: number;
  private blocked: number;
  private greasePerMs = 0;
  private greaseMax = MAX_BLOCKAGE;
  private rains: Rain[] = [];
  private spilled = 0;

  constructor(options: ManholeOptions) {
    this.depthMm = options.depthMm;
    this.physics = { ...DEFAULT_MANHOLE_PHYSICS, ...options.physics };
    this.utcOffsetMin = options.utcOffsetMin ?? DEFAULT_UTC_OFFSET_MIN;
    this.atMs = options.startMs;
    this.blocked = clamp(options.initialBlockage ?? 0, 0, MAX_BLOCKAGE);
    // Where inflow = outflow: coeff * sqrt(level) * (1 - blockage) = dry inflow.
    const capacity = this.physics.outletCoeff * (1 - this.blocked);
    this.level = Math.min(this.depthMm, (this.dryInflowLps(this.atMs) / capacity) ** 2);
  }

  get nowMs(): number {
    return this.atMs;
  }

  get levelMm(): number {
    return this.level;
  }

  get blockage(): number {
    return this.blocked;
  }

  /** Water at the rim: the level is capped at the depth and the rest runs into the street. */
  get overflowing(): boolean {
    return this.level >= this.depthMm;
  }

  /** Litres that ran over the rim since the start. */
  get spilledLitres(): number {
    return this.spilled;
  }

  /** Rain of constant intensity from `startMs` (default: now) for `durationS`; storms add up. */
  rain(intensityMmH: number, durationS: number, startMs = this.atMs): void {
    this.rains.push({ startMs, endMs: startMs + durationS * 1000, intensityMmH });
  }

  /** Grease builds up in the outlet at `ratePerHour` (share of the pipe) up to `maxBlockage`. */
  startGreaseBuildUp(ratePerHour: number, maxBlockage = MAX_BLOCKAGE): void {
    this.greasePerMs = ratePerHour / 3600_000;
    this.greaseMax = clamp(maxBlockage, 0, MAX_BLOCKAGE);
  }

  /** Maintenance jetted the pipe: clear, and no build-up until the next call. */
  clearBlockage(): void {
    this.blocked = 0;
    this.greasePerMs = 0;
  }

  dryInflowLps(atMs: number): number {
    return this.physics.dryFlowScale * dryWeatherFlow(localHour(atMs, this.utcOffsetMin));
  }

  rainInflowLps(atMs: number): number {
    let mmPerHour = 0;
    for (const r of this.rains) if (atMs >= r.startMs && atMs < r.endMs) mmPerHour += r.intensityMmH;
    // 1 mm of rain on 1 m² is 1 litre.
    return (mmPerHour * this.physics.catchmentM2) / 3600;
  }

  outflowLps(): number {
    return this.physics.outletCoeff * Math.sqrt(this.level) * (1 - this.blocked);
  }

  /** Integrates up to `t` (explicit Euler, steps of at most 1 s; the bucket's time constant is minutes). */
  advanceTo(t: number): void {
    while (this.atMs < t) {
      const dtMs = Math.min(STEP_MS, t - this.atMs);
      const inflow = this.dryInflowLps(this.atMs) + this.rainInflowLps(this.atMs);
      const next = this.level + ((inflow - this.outflowLps()) * (dtMs / 1000)) / this.physics.chamberAreaM2;
      if (next > this.depthMm) this.spilled += (next - this.depthMm) * this.physics.chamberAreaM2;
      this.level = clamp(next, 0, this.depthMm);
      this.blocked = Math.min(Math.max(this.blocked, this.greaseMax), this.blocked + this.greasePerMs * dtMs);
      this.atMs += dtMs;
    }
    this.rains = this.rains.filter((r) => r.endMs > this.atMs);
  }
}

const clamp = (x: number, min: number, max: number): number => Math.min(max, Math.max(min, x));
