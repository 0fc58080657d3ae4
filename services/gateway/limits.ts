import type { RateLimit } from './admission.ts';
import { DEFAULT_DEAD_LETTER_BUDGET, type DeadLetterBudgetLimits } from './abuse/dead-letter-budget.ts';
import type { FailureLimit } from './abuse/failure-throttle.ts';
import type { BucketLimit } from './abuse/keyed-buckets.ts';

export interface GatewayLimits {
  /** Larger event, telemetry or status payloads are dead-lettered. */
  maxPayloadBytes: number;
  /** Larger MQTT packets close the connection before they are buffered. */
  maxFrameBytes: number;
  /** Per-device publish rate, kept across reconnects; excess is delayed, sustained excess disconnected. */
  rate: RateLimit;
  /** Time a socket has to send CONNECT. */
  connectTimeoutMs: number;
  /** Longest keep-alive a device may ask for, seconds (offline detection takes 1.5x this). */
  keepaliveLimitS: number;
  /** Before CONNECT a socket may send only a CONNECT packet of at most this many bytes. */
  maxConnectBytes: number;
  /** Open sockets in total, and from one source address. */
  maxConnections: number;
  maxConnectionsPerAddress: number;
  /** CONNECT attempts per device id and per source address. */
  connectAttempts: { perDevice: BucketLimit; perAddress: BucketLimit };
  /** Failed logins per device id and per source address, then locked with back-off. */
  loginFailures: { perDevice: FailureLimit; perAddress: FailureLimit };
  /** Connections taking a client id over from a live one; past the limit the newcomer is refused with back-off. */
  clientIdTakeovers: FailureLimit;
  /** What the dead-letter topic takes from one device and from all. */
  deadLetters: DeadLetterBudgetLimits;
  /** Refused logins and connections are logged as one summary line per this window. */
  refusalSummaryMs: number;
}

export const DEFAULT_GATEWAY_LIMITS: GatewayLimits = {
  maxPayloadBytes: 64 * 1024,
  maxFrameBytes: 256 * 1024,
  // A door at rush hour sends a few messages a second; a device replaying a
  // day-long outbox after an outage is the heaviest honest sender.
  rate: { ratePerSecond: 500, burst: 1000, floodAfterMs: 10_000 },
  connectTimeoutMs: 10_000,
  keepaliveLimitS: 300,
  // A CONNECT is a client id, a login, a secret and a short will: well under a kilobyte.
  maxConnectBytes: 4 * 1024,
  maxConnections: 20_000,
  // The whole reference site's agents run behind one address in `npm start`.
  maxConnectionsPerAddress: 2_000,
  // An honest agent reconnects after a blip, with back-off; a gateway restart reconnects a whole site at once.
  connectAttempts: { perDevice: { ratePerSecond: 1, burst: 30 }, perAddress: { ratePerSecond: 200, burst: 2_000 } },
  loginFailures: {
    perDevice: { maxFailures: 5, windowMs: 60_000, lockMs: 5_000, maxLockMs: 5 * 60_000 },
    perAddress: { maxFailures: 30, windowMs: 60_000, lockMs: 5_000, maxLockMs: 5 * 60_000 },
  },
  clientIdTakeovers: { maxFailures: 3, windowMs: 60_000, lockMs: 30_000, maxLockMs: 10 * 60_000 },
  deadLetters: DEFAULT_DEAD_LETTER_BUDGET,
  refusalSummaryMs: 60_000,
};

export function resolveLimits(overrides: Partial<GatewayLimits> = {}): GatewayLimits {
  const d = DEFAULT_GATEWAY_LIMITS;
  return {
    ...d,
    ...overrides,
    rate: { ...d.rate, ...overrides.rate },
    connectAttempts: { ...d.connectAttempts, ...overrides.connectAttempts },
    loginFailures: { ...d.loginFailures, ...overrides.loginFailures },
    deadLetters: { ...d.deadLetters, ...overrides.deadLetters },
  };
}
