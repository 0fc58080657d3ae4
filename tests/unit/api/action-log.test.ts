import type { Database } from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ActionLog, canonicalJson } from '../../../services/api/actions/action-log.ts';
import { openApiDb } from '../../../services/api/store/api-db.ts';
import { ManualClock } from '../../../services/shared/clock.ts';

const DAY = 24 * 3_600_000;
let db: Database;
let clock: ManualClock;
let log: ActionLog;
beforeEach(() => {
  db = openApiDb(':memory:');
  clock = new ManualClock(Date.UTC(2026, 0, 1));
  log = new ActionLog(db, clock);
});
afterEach(() => db.close());

const request = { ticketId: 'T20260101-0001', action: 'comment', actorId: 'kong-deming', body: { note: 'on my way' } };

describe('action log', () => {
  it('knows a new id, a repeat of the same request, and a reuse for another one', () => {
    expect(log.lookup('a-0001-xyz', request)).toEqual({ kind: 'new' });
    log.record('a-0001-xyz', request, { status: 200, body: { ok: 1 } });
    expect(log.lookup('a-0001-xyz', { ...request, body: { note: 'on my way' } })).toEqual({ kind: 'repeat', answer: { status: 200, body: { ok: 1 } } });
    expect(log.lookup('a-0001-xyz', { ...request, body: { note: 'arrived' } })).toEqual({ kind: 'reused' });
    expect(log.lookup('a-0001-xyz', { ...request, actorId: 'cao-lixin' })).toEqual({ kind: 'reused' });
  });

  it('keeps answers for 7 days, then lets them go', () => {
    log.record('old-0001-xyz', request, { status: 409, body: { code: 'OC_TICKET_ILLEGAL_TRANSITION' } });
    clock.advance(7 * DAY - 1);
    log.record('mid-0001-xyz', request, { status: 200, body: {} });
    expect(log.lookup('old-0001-xyz', request).kind).toBe('repeat');
    clock.advance(2 * 3_600_000);
    log.record('new-0001-xyz', request, { status: 200, body: {} });
    expect(log.lookup('old-0001-xyz', request).kind).toBe('new');
    expect(log.lookup('mid-0001-xyz', request).kind).toBe('repeat');
  });

  it('compares requests as canonical JSON: key order and undefined fields do not matter', () => {
    expect(canonicalJson({ b: [1, { y: 2, x: undefined, a: 'é' }], a: null })).toBe('{"a":null,"b":[1,{"a":"é","y":2}]}');
  });
});
