import type { RateLimit } from './admission.ts';

export interface GatewayLimits {
  /** Larger event, telemetry or status payloads are dead-lettered. */
  maxPayloadBytes: number;
  /** Larger MQTT packets close the connection before they are buffered. */
  maxFrameBytes: number;
  /** Per-client publish rate; excess is delayed, sustained excess disconnected. */
  rate: RateLimit;
  /** Time a socket has to send CONNECT. */
  connectTimeoutMs: number;
  /** Longest keep-alive a device may ask for, seconds (offline detection takes 1.5x this). */
  keepaliveLimitS: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxPayloadBytes: 64 * 1024,
  maxFrameBytes: 256 * 1024,
  // A door at rush hour sends a few messages a second; a device replaying a
  // day-long outbox after an outage is the heaviest honest sender.
  rate: { ratePerSecond: 500, burst: 1000, floodAfterMs: 10_000 },
  connectTimeoutMs: 10_000,
  keepaliveLimitS: 300,
};

export function resolveLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  return { ...DEFAULT_GATEWAY_LIMITS, ...overrides, rate: { ...DEFAULT_GATEWAY_LIMITS.rate, ...overrides.rate } };
}
