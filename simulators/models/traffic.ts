import type { Rng } from '../prng.ts';

/**
 * A non-homogeneous Poisson process on simulated time, sampled by thinning:
 * candidates at the peak rate, each kept with probability rate(t) / peak.
 * The result depends only on the random stream, never on tick sizes.
 */
export class ArrivalProcess {
  private readonly peakPerMs: number;
  private candidate: number;

  constructor(
    private readonly rng: Rng,
    /** Events per hour at simulated time t (ms). */
    private readonly ratePerHour: (atMs: number) => number,
    peakPerHour: number,
    startMs: number,
  ) {
    this.peakPerMs = peakPerHour / 3600_000;
    this.candidate = startMs;
  }

  /** The next accepted arrival strictly after the previous one (and not before `notBefore`). */
  next(notBefore = -Infinity): number {
    if (this.peakPerMs <= 0) return Infinity;
    this.candidate = Math.max(this.candidate, notBefore);
    for (;;) {
      this.candidate += this.rng.exponential(this.peakPerMs);
      const accept = this.ratePerHour(this.candidate) / (this.peakPerMs * 3600_000);
      if (this.rng.next() < accept) return Math.round(this.candidate);
    }
  }
}

/** The peak of a 24 h profile, sampled finely enough for the smooth bumps the models use. */
export function profilePeak(profile: (hour: number) => number): number {
  let peak = 0;
  for (let h = 0; h < 24; h += 0.05) peak = Math.max(peak, profile(h));
  return peak;
}

/** The integral of a 24 h profile over one day, so a daily total can be spread by it. */
export function profileIntegral(profile: (hour: number) => number): number {
  let sum = 0;
  const step = 0.05;
  for (let h = 0; h < 24; h += step) sum += profile(h) * step;
  return sum;
}
