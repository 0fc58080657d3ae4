import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SilenceShape, TicketShape, TimelineShape } from '../../../../services/alerting/store/alerting-store.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import { isOcError } from '../../../../services/shared/errors.ts';

type T = TicketShape & { note?: string };
type Store = SqliteAlertingStore<T, TimelineShape & { action: string }, SilenceShape & { reason: string }>;

let dir: string;
let store: Store;
const open = () => SqliteAlertingStore.open<T, TimelineShape & { action: string }, SilenceShape & { reason: string }>({ path: join(dir, 'alerting.db') });
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-alerting-store-'));
  store = open();
});
afterEach(() => {
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

const ticket = (id: string, over: Partial<T> = {}): T => ({
  id,
  fingerprint: 'dl8/dl8-drain-m3/drain.level-critical',
  state: 'open',
  category: 'drainage',
  priority: 'P1',
  subject: { deviceId: 'dl8-drain-m3', groupId: undefined, communityId: 'dianliu-8', compoundId: 'dl8', buildingId: undefined, placeId: 'm3' },
  openedAt: 1000,
  updatedAt: 1000,
  version: 1,
  ...over,
});

describe('SqliteAlertingStore', () => {
  it('never holds two open tickets with one fingerprint, whatever the interleaving', () => {
    store.transaction((tx) => tx.insertTicket(ticket('T1')));
    let error: unknown;
    try {
      store.transaction((tx) => tx.insertTicket(ticket('T2')));
    } catch (err) {
      error = err;
    }
    expect(isOcError(error, 'OC_TICKET_CONFLICT')).toBe(true);
    // Once the first is resolved, the fingerprint is free again.
    store.transaction((tx) => tx.updateTicket(ticket('T1', { state: 'resolved', version: 2 }), 1));
    store.transaction((tx) => tx.insertTicket(ticket('T3', { openedAt: 2000 })));
    expect(store.transaction((tx) => tx.openTicket(ticket('x').fingerprint)?.id)).toBe('T3');
    expect(store.transaction((tx) => tx.latestTicket(ticket('x').fingerprint)?.id)).toBe('T3');
  });

  it('refuses an update based on a stale version', () => {
    store.transaction((tx) => tx.insertTicket(ticket('T1')));
    store.transaction((tx) => tx.updateTicket(ticket('T1', { state: 'acknowledged', version: 2 }), 1));
    expect(() => store.transaction((tx) => tx.updateTicket(ticket('T1', { state: 'dispatched', version: 2 }), 1))).toThrow(/changed meanwhile/);
    expect(store.getTicket('T1')?.ticket.state).toBe('acknowledged');
  });

  it('rolls back everything of a failed transaction, rule state included', () => {
    expect(() =>
      store.transaction((tx) => {
        tx.ruleState.set('drain/dl8-drain-m3', { above: true });
        tx.markProcessed('e1', 1);
        tx.insertTicket(ticket('T1'));
        tx.publish('oc.tickets', 'T1', { kind: 'ticket.opened' });
        throw new Error('boom');
      }),
    ).toThrow('boom');
    store.transaction((tx) => {
      expect(tx.ruleState.get('drain/dl8-drain-m3')).toBeUndefined();
      expect(tx.wasProcessed('e1')).toBe(false);
      expect(tx.ticket('T1')).toBeUndefined();
    });
    expect(store.pendingOutgoing(10)).toHaveLength(0);
  });

  it('keeps rule state, processed ids, timeline and outgoing messages across reopen', () => {
    store.transaction((tx) => {
      tx.ruleState.set('door/a', { open: true, since: 5 });
      tx.markProcessed('e1', 10);
      tx.insertTicket(ticket('T1'));
      tx.appendTimeline([{ ticketId: 'T1', seq: 1, at: 1000, action: 'opened' }]);
      tx.linkEvent('T1', { eventId: 'e1', at: 1000, body: { type: 'drain.level' } });
      tx.publish('oc.tickets', 'T1', { n: 1 });
      tx.publish('oc.tickets', 'T1', { n: 2 });
    });
    store.close();
    store = open();
    store.transaction((tx) => {
      expect(tx.ruleState.get('door/a')).toEqual({ open: true, since: 5 });
      expect(tx.ruleState.keys('door/')).toEqual(['door/a']);
      expect(tx.wasProcessed('e1')).toBe(true);
    });
    const detail = store.getTicket('T1')!;
    expect(detail.timeline.map((e) => e.action)).toEqual(['opened']);
    expect(detail.linkedEvents).toEqual([{ eventId: 'e1', at: 1000, body: { type: 'drain.level' } }]);
    const out = store.pendingOutgoing(10);
    expect(out.map((m) => JSON.parse(m.value.toString()).n)).toEqual([1, 2]);
    store.deleteOutgoing(out[0]!.id);
    expect(store.pendingOutgoing(10)).toHaveLength(1);
    expect(store.pruneProcessed(11)).toBe(1);
  });

  it('keeps the timeline append-only: an entry is never rewritten, updated or deleted, even by hand in the file', () => {
    store.transaction((tx) => {
      tx.insertTicket(ticket('T1'));
      tx.appendTimeline([{ ticketId: 'T1', seq: 1, at: 1000, action: 'opened' }]);
    });
    expect(() => store.transaction((tx) => tx.appendTimeline([{ ticketId: 'T1', seq: 1, at: 2000, action: 'cancelled' }]))).toThrow(/UNIQUE|PRIMARY/);
    const raw = new Database(join(dir, 'alerting.db'));
    try {
      expect(() => raw.prepare("UPDATE timeline SET body = '{}' WHERE ticket_id = 'T1'").run()).toThrow(/append-only/);
      expect(() => raw.prepare("DELETE FROM timeline WHERE ticket_id = 'T1'").run()).toThrow(/append-only/);
    } finally {
      raw.close();
    }
    expect(store.getTicket('T1')!.timeline).toEqual([{ ticketId: 'T1', seq: 1, at: 1000, action: 'opened' }]);
  });

  it('protects committed rule state from in-place mutation by the caller', () => {
    store.transaction((tx) => tx.ruleState.set('k', { n: 1 }));
    store.transaction((tx) => {
      const v = tx.ruleState.get<{ n: number }>('k')!;
      v.n = 99;
    });
    expect(store.transaction((tx) => tx.ruleState.get('k'))).toEqual({ n: 1 });
  });

  it('filters tickets and counts staff load', () => {
    store.transaction((tx) => {
      tx.insertTicket(ticket('T1', { assignment: { kind: 'staff', staffId: 's1' }, state: 'dispatched', updatedAt: 3 }));
      tx.insertTicket(ticket('T2', { fingerprint: 'f2', category: 'security', assignment: { kind: 'staff', staffId: 's1' }, state: 'on_site', updatedAt: 2 }));
      tx.insertTicket(ticket('T3', { fingerprint: 'f3', state: 'closed', assignment: { kind: 'staff', staffId: 's1' }, updatedAt: 1 }));
      expect(tx.staffLoads()).toEqual(new Map([['s1', 2]]));
      expect(tx.openTickets().map((t) => t.id).sort()).toEqual(['T1', 'T2']);
    });
    expect(store.listTickets({ categories: ['security'] }).map((t) => t.id)).toEqual(['T2']);
    expect(store.listTickets({ staffId: 's1' }).map((t) => t.id)).toEqual(['T1', 'T2', 'T3']);
    expect(store.listTickets({ states: ['closed', 'dispatched'], limit: 1 }).map((t) => t.id)).toEqual(['T1']);
    expect(store.listTickets({ before: 3 }).map((t) => t.id)).toEqual(['T2', 'T3']);
  });

  it('shows silences while they are active and ends them on request', () => {
    store.putSilence({ id: 's1', startsAt: 100, endsAt: 200, reason: 'pump maintenance' });
    expect(store.listSilences(150, false).map((s) => s.id)).toEqual(['s1']);
    expect(store.listSilences(250, false)).toEqual([]);
    expect(store.expireSilence('s1', 120)).toBe(true);
    expect(store.listSilences(150, false)).toEqual([]);
    expect(store.listSilences(150, true)[0]!.endsAt).toBe(120);
    expect(store.expireSilence('nope', 1)).toBe(false);
  });

  it('numbers tickets by local day and a counter that never repeats', () => {
    const at = Date.parse('2026-07-15T20:00:00+08:00');
    const ids = store.transaction((tx) => [tx.nextTicketId(at), tx.nextTicketId(at)]);
    expect(ids).toEqual(['T20260715-0001', 'T20260715-0002']);
  });
});
