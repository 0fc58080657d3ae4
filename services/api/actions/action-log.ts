import { createHash } from 'node:crypto';
import type { Database as Db, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';

/** At least as long as a phone may sit in a drawer with an action queued. */
const DEFAULT_ACTION_RETENTION_MS = 7 * 24 * 3_600_000;
const PURGE_EVERY_MS = 3_600_000;

export interface RecordedAnswer {
  status: number;
  body: unknown;
}

export type ActionLookup = { kind: 'new' } | { kind: 'repeat'; answer: RecordedAnswer } | { kind: 'reused' };

/**
 * The answers given to ticket actions, by the client's action id, kept durably
 * so that a phone retrying after a dropped connection or a reload gets the first
 * answer again (same status, same body) instead of applying the action twice.
 * The same id with a different request is a client bug, and is told so.
 */
export class ActionLog {
  private readonly st: Record<'get' | 'put' | 'purge', Statement>;
  private lastPurgeAt = Number.NEGATIVE_INFINITY;

  constructor(
    db: Db,
    private readonly clock: Clock,
    private readonly retentionMs = DEFAULT_ACTION_RETENTION_MS,
  ) {
    this.st = {
      get: db.prepare('SELECT request_hash AS requestHash, status, body FROM action_results WHERE action_id = ?'),
      put: db.prepare('INSERT INTO action_results (action_id, request_hash, status, body, at) VALUES (?, ?, ?, ?, ?)'),
      purge: db.prepare('DELETE FROM action_results WHERE at < ?'),
    };
  }

  lookup(actionId: string, request: unknown): ActionLookup {
    const row = this.st.get.get(actionId) as { requestHash: string; status: number; body: string } | undefined;
    if (!row) return { kind: 'new' };
    if (row.requestHash !== fingerprint(request)) return { kind: 'reused' };
    return { kind: 'repeat', answer: { status: row.status, body: JSON.parse(row.body) as unknown } };
  }

  record(actionId: string, request: unknown, answer: RecordedAnswer): void {
    const now = this.clock.now();
    if (now - this.lastPurgeAt >= PURGE_EVERY_MS) {
      this.lastPurgeAt = now;
      this.st.purge.run(now - this.retentionMs);
    }
    this.st.put.run(actionId, fingerprint(request), answer.status, JSON.stringify(answer.body), now);
  }
}

/** SHA-256 of the request as canonical JSON (keys sorted), so key order in the client's body does not matter. */
const fingerprint = (request: unknown): string => createHash('sha256').update(canonicalJson(request)).digest('base64url');

export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(',')}]`;
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(',')}}`;
  }
  return JSON.stringify(value) ?? 'null';
}
