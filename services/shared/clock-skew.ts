/**
 * How far a device's clock may be from the gateway's before its time is not believed. Past
 * limit is generous: an agent replaying a day-long outbox sends honest old timestamps.
 */
export interface ClockSkewLimits {
  /** Device time this far ahead of the receive time is a wrong clock (2036, 9999-12-31). */
  futureMs: number;
  /** Device time this far behind the receive time is a wrong clock, not a replayed outbox. */
  pastMs: number;
}

export const DEFAULT_CLOCK_SKEW: ClockSkewLimits = { futureMs: 10 * 60_000, pastMs: 7 * 86_400_000 };

/** Device time minus receive time when beyond the limits (ms, signed); undefined when believable. */
export function clockSkewOf(deviceTimeMs: number, receivedAtMs: number, limits: ClockSkewLimits = DEFAULT_CLOCK_SKEW): number | undefined {
  if (!Number.isFinite(deviceTimeMs)) return Number.POSITIVE_INFINITY;
  const skew = deviceTimeMs - receivedAtMs;
  return skew > limits.futureMs || -skew > limits.pastMs ? skew : undefined;
}
