import { describe, expect, it } from 'vitest';
import { DEFAULT_SESSION_POLICY, forgetSessionsCreatedBefore, judgeSession } from '../../../services/api/auth/session-policy.ts';

const HOUR = 3_600_000;
const T0 = Date.UTC(2026, 0, 1, 20, 0);

describe('session expiry', () => {
  it.each([
    ['just signed in', 0, 0, 'active'],
    ['used an hour ago, 11 h 59 min idle', 0, 12 * HOUR - 60_000, 'active'],
    ['12 h idle', 0, 12 * HOUR, 'idle'],
    ['busy all night, 23 h 59 min old', 23 * HOUR, 24 * HOUR - 60_000, 'active'],
    ['busy, 24 h old', 23 * HOUR, 24 * HOUR, 'too-old'],
  ] as const)('%s → %s', (_name, lastSeenAfter, nowAfter, verdict) => {
    expect(judgeSession({ createdAt: T0, lastSeenAt: T0 + lastSeenAfter }, T0 + nowAfter, DEFAULT_SESSION_POLICY)).toBe(verdict);
  });

  it('forgets ended sessions a week after their maximum age', () => {
    expect(forgetSessionsCreatedBefore(T0, DEFAULT_SESSION_POLICY)).toBe(T0 - 24 * HOUR - 7 * 24 * HOUR);
  });
});
