/**
 * When a session ends by itself. Pure: times in, verdict out, so a ManualClock
 * test can walk a session through a night shift.
 */
export interface SessionPolicy {
  /** Unused this long, a session ends (default 12 h: a night shift with the desk page left open). */
  idleMs: number;
  /** However busy, a session ends this long after sign-in (default 24 h). */
  maxAgeMs: number;
}

export const DEFAULT_SESSION_POLICY: SessionPolicy = { idleMs: 12 * 3_600_000, maxAgeMs: 24 * 3_600_000 };

/** How often a session's last use is written back: idle expiry is then exact to this, and reads stay reads. */
export const TOUCH_EVERY_MS = 60_000;

export interface SessionTimes {
  createdAt: number;
  lastSeenAt: number;
}

export type SessionVerdict = 'active' | 'idle' | 'too-old';

export function judgeSession(s: SessionTimes, now: number, policy: SessionPolicy): SessionVerdict {
  if (now - s.createdAt >= policy.maxAgeMs) return 'too-old';
  if (now - s.lastSeenAt >= policy.idleMs) return 'idle';
  return 'active';
}

/**
 * An ended session's row is kept a week past its maximum age, so its cookie is
 * answered "expired" (the page can say why it asks for a sign-in again) rather
 * than "not signed in"; rows created before this moment can go.
 */
export const forgetSessionsCreatedBefore = (now: number, policy: SessionPolicy): number => now - policy.maxAgeMs - 7 * 24 * 3_600_000;
