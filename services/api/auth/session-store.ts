import { createHash, randomBytes } from 'node:crypto';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import { forgetSessionsCreatedBefore, judgeSession, TOUCH_EVERY_MS, type SessionPolicy } from './session-policy.ts';

export type SessionLookup =
  | { kind: 'active'; id: string; login: string }
  | { kind: 'expired' }
  | { kind: 'unknown' };

/** Sign-ins are rare; the purge of old rows rides on them instead of on a timer. */
const PURGE_EVERY_MS = 3_600_000;

/**
 * Sessions in SQLite, so a restart of the API keeps everyone signed in. The
 * cookie holds a random 256-bit token; only its SHA-256 is stored (the `id`),
 * so a copy of the database does not let anyone in.
 */
export class SessionStore {
  private readonly st: Record<'insert' | 'byId' | 'touch' | 'remove' | 'removeLogin' | 'purge', Statement>;
  private lastPurgeAt = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    private readonly clock: Clock,
    readonly policy: SessionPolicy,
  ) {
    this.st = {
      insert: db.prepare('INSERT INTO sessions (token_hash, login, created_at, last_seen_at) VALUES (?, ?, ?, ?)'),
      byId: db.prepare('SELECT login, created_at AS createdAt, last_seen_at AS lastSeenAt FROM sessions WHERE token_hash = ?'),
      touch: db.prepare('UPDATE sessions SET last_seen_at = ? WHERE token_hash = ?'),
      remove: db.prepare('DELETE FROM sessions WHERE token_hash = ?'),
      removeLogin: db.prepare('DELETE FROM sessions WHERE login = ?'),
      purge: db.prepare('DELETE FROM sessions WHERE created_at < ?'),
    };
  }

  /** A new session; returns the token for the cookie. */
  create(login: string): { token: string; id: string } {
    const now = this.clock.now();
    this.purgeNowAndThen(now);
    const token = randomBytes(32).toString('base64url');
    const id = idOf(token);
    this.st.insert.run(id, login, now, now);
    return { token, id };
  }

  /** Looks a cookie up and, when it is still good, counts this as use. */
  lookup(token: string): SessionLookup {
    return this.lookupById(idOf(token));
  }

  /** The same by session id; an open live stream keeps its session in use this way. */
  lookupById(id: string): SessionLookup {
    const row = this.st.byId.get(id) as { login: string; createdAt: number; lastSeenAt: number } | undefined;
    if (!row) return { kind: 'unknown' };
    const now = this.clock.now();
    if (judgeSession(row, now, this.policy) !== 'active') return { kind: 'expired' };
    if (now - row.lastSeenAt >= TOUCH_EVERY_MS) this.st.touch.run(now, id);
    return { kind: 'active', id, login: row.login };
  }

  /** Signs out: the token is forgotten at once, so it reads as unknown afterwards. */
  end(id: string): void {
    this.st.remove.run(id);
  }

  /** Signs a login out everywhere (a person disabled, a login removed); how many sessions ended. */
  endAllOf(login: string): number {
    return this.st.removeLogin.run(login).changes;
  }

  private purgeNowAndThen(now: number): void {
    if (now - this.lastPurgeAt < PURGE_EVERY_MS) return;
    this.lastPurgeAt = now;
    this.st.purge.run(forgetSessionsCreatedBefore(now, this.policy));
  }
}

const idOf = (token: string): string => createHash('sha256').update(token).digest('base64url');
