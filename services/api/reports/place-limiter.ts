import type { Clock } from '../../shared/clock.ts';

/**
 * Reports per place per hour, whoever sends them: rotating IPs cannot bury one entrance's
 * ticket in reports. Fixed windows on the project's clock; the map holds one entry per place.
 */
export class PlaceLimiter {
  private readonly windows = new Map<string, { start: number; count: number }>();

  constructor(
    private readonly clock: Clock,
    private readonly maxPerHour: number,
  ) {}

  /** Counts one report; false when the place is over its limit. */
  take(placeId: string): boolean {
    const now = this.clock.now();
    const w = this.windows.get(placeId);
    if (!w || now - w.start >= 3_600_000) {
      this.windows.set(placeId, { start: now, count: 1 });
      return true;
    }
    if (w.count >= this.maxPerHour) return false;
    w.count += 1;
    return true;
  }
}
