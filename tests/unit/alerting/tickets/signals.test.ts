import { describe, expect, it } from 'vitest';
import { applySignal, openFromSignal, shouldReopen } from '../../../../services/alerting/domain/tickets/index.ts';
import type { Ticket, TicketState, TimelineEntry } from '../../../../services/alerting/domain/tickets/types.ts';
import { MIN, T0, cmd, fakeContext, ok, openTicket, operator, signal, staff, ticketIn } from './fixtures.ts';

const SEC = 1000;

describe('openFromSignal', () => {
  it('opens with SLA deadlines, the matrix team and one timeline entry', () => {
    const ctx = fakeContext();
    const s = signal({ priority: 'P2' });
    const { ticket, entries, notifications } = ok(openFromSignal(s, 'tk-7', T0, ctx));
    const sla = ctx.policy.sla.byPriority.P2;
    expect(ticket).toMatchObject({
      id: 'tk-7',
      fingerprint: s.fingerprint,
      state: 'open',
      priority: 'P2',
      firingCount: 1,
      conditionActive: true,
      linkedEventIds: [s.eventId],
      linkedEventCount: 1,
      teamId: 'plumbing',
      route: { teamId: 'plumbing' },
      version: 1,
      title: s.summary,
      deadlines: { acknowledgeBy: T0 + sla.acknowledgeMs, arriveBy: T0 + sla.arriveMs, resolveBy: T0 + sla.resolveMs },
    });
    expect(entries).toEqual([expect.objectContaining({ seq: 1, action: 'opened', toState: 'open', actor: { kind: 'system' } })]);
    expect(notifications.map((n) => [n.kind, n.to])).toEqual([['ticket.opened', { role: 'operator' }]]);
  });

  it('a P1 also reaches the supervisor on duty at once', () => {
    const ctx = fakeContext();
    const { notifications } = ok(openFromSignal(signal({ priority: 'P1' }), 'tk-1', T0, ctx));
    expect(notifications.map((n) => n.to)).toEqual([{ role: 'operator' }, { role: 'supervisor', staffId: 'sup-1' }]);
  });

  it('a category routed to a partner department opens without a team', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx, { category: 'parking' });
    expect(t.route).toEqual({ departmentId: 'traffic-police' });
    expect(t.teamId).toBeUndefined();
  });

  it('a clear cannot open a ticket', () => {
    expect(openFromSignal(signal({ action: 'clear' }), 'tk-1', T0, fakeContext())).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
  });
});

/** Feeds fires every `everyMs` from T0 + everyMs to T0 + totalMs; returns the ticket and all entries. */
function storm(ticket: Ticket, everyMs: number, totalMs: number, ctx = fakeContext()): { ticket: Ticket; entries: TimelineEntry[] } {
  const entries: TimelineEntry[] = [];
  let t = ticket;
  for (let at = T0 + everyMs; at <= T0 + totalMs; at += everyMs) {
    const d = ok(applySignal(t, signal({ at }), at, ctx));
    entries.push(...d.entries);
    t = d.ticket;
  }
  return { ticket: t, entries };
}

describe('storm collapsing', () => {
  it.each([
    // every, total, expected 're-fired' entries (one per full minute since the last entry)
    [5 * SEC, 5 * MIN, 5],
    [2 * SEC, 59 * SEC, 0],
    [30 * SEC, 3 * MIN, 3],
    [2 * MIN, 10 * MIN, 5],
  ])('fires every %dms for %dms → %d re-fired entries, every fire counted', (every, total, expected) => {
    const ctx = fakeContext();
    const fires = Math.floor(total / every);
    const { ticket, entries } = storm(openTicket(ctx), every, total, ctx);
    const refired = entries.filter((e) => e.action === 're-fired');
    expect(refired).toHaveLength(expected);
    expect(entries).toHaveLength(expected); // nothing else is written for repeats
    expect(ticket.firingCount).toBe(1 + fires);
    expect(ticket.linkedEventCount).toBe(1 + fires);
    expect(ticket.version).toBe(1 + fires); // every fire is a change, even without an entry
    // Nothing is lost: the entries' collapsed counts plus the pending count account for every repeat.
    const collapsed = refired.reduce((n, e) => n + (e.data?.collapsed as number), 0);
    expect(collapsed + refired.length + ticket.storm.collapsed).toBe(fires);
    // At most one entry per minute.
    refired.slice(1).forEach((e, i) => expect(e.at - refired[i]!.at).toBeGreaterThanOrEqual(MIN));
  });

  it('keeps only the last linked event ids, but counts them all', () => {
    const ctx = fakeContext({}, { linkedEventsKept: 5 });
    const { ticket } = storm(openTicket(ctx), SEC, 20 * SEC, ctx);
    expect(ticket.linkedEventIds).toHaveLength(5);
    expect(ticket.linkedEventCount).toBe(21);
  });

  it('a redelivered event changes nothing', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx);
    const s = signal({ at: T0 + 2 * MIN });
    const once = ok(applySignal(t, s, T0 + 2 * MIN, ctx));
    const twice = ok(applySignal(once.ticket, s, T0 + 3 * MIN, ctx));
    expect(twice.ticket).toBe(once.ticket);
    expect(twice.entries).toEqual([]);
  });

  it('a clear carrying the same event id as the fire still clears (one observation, two transitions)', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx, { eventId: 'ev-shared' });
    const d = ok(applySignal(t, signal({ action: 'clear', eventId: 'ev-shared' }), T0 + MIN, ctx));
    expect(d.ticket.conditionActive).toBe(false);
    expect(d.entries.map((e) => e.action)).toEqual(['condition-cleared']);
    // ...but that clear redelivered is still nothing new.
    expect(ok(applySignal(d.ticket, signal({ action: 'clear', eventId: 'ev-shared' }), T0 + 2 * MIN, ctx)).ticket).toBe(d.ticket);
  });

  it('a signal for another fingerprint is refused', () => {
    const ctx = fakeContext();
    const d = applySignal(openTicket(ctx), signal({ fingerprint: 'other' }), T0, ctx);
    expect(d).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND', currentState: 'open' } });
  });
});

describe('priority from signals', () => {
  it('a higher-priority fire raises priority, recorded, and never extends a deadline', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx, { priority: 'P4' });
    const at = T0 + 10 * MIN;
    const { ticket, entries } = ok(applySignal(t, signal({ priority: 'P2' }), at, ctx));
    expect(ticket.priority).toBe('P2');
    expect(ticket.openedPriority).toBe('P4');
    expect(entries.find((e) => e.action === 'priority-raised')?.data).toMatchObject({ from: 'P4', to: 'P2', reason: 'signal' });
    const p2 = ctx.policy.sla.byPriority.P2;
    expect(ticket.deadlines).toEqual({
      acknowledgeBy: Math.min(t.deadlines.acknowledgeBy, at + p2.acknowledgeMs),
      arriveBy: Math.min(t.deadlines.arriveBy, at + p2.arriveMs),
      resolveBy: Math.min(t.deadlines.resolveBy, at + p2.resolveMs),
    });
    expect(ticket.deadlines.acknowledgeBy).toBeLessThan(t.deadlines.acknowledgeBy);
  });

  it('a late raise keeps a deadline that is already sooner than the new target', () => {
    const ctx = fakeContext();
    const t = cmd({ type: 'acknowledge', actor: operator }, openTicket(ctx, { priority: 'P3' }), T0 + MIN, ctx);
    const at = T0 + 3 * HOUR_LATER; // P3 arrive is due at T0 + 4 h; P2's 2 h from now would be later
    const { ticket } = ok(applySignal(t, signal({ priority: 'P2' }), at, ctx));
    expect(ticket.deadlines.arriveBy).toBe(t.deadlines.arriveBy);
    expect(ticket.deadlines.resolveBy).toBe(at + ctx.policy.sla.byPriority.P2.resolveMs);
    expect(ticket.deadlines.acknowledgeBy).toBe(t.deadlines.acknowledgeBy); // already met: untouched
  });

  it('a lower-priority fire leaves priority alone', () => {
    const ctx = fakeContext();
    const d = ok(applySignal(openTicket(ctx, { priority: 'P2' }), signal({ priority: 'P4' }), T0 + 2 * MIN, ctx));
    expect(d.ticket.priority).toBe('P2');
    expect(d.entries.map((e) => e.action)).toEqual(['re-fired']);
  });
});

describe('clears: auto-resolve vs wait for staff', () => {
  it.each<[TicketState, boolean, TicketState]>([
    ['open', true, 'resolved'],
    ['acknowledged', true, 'resolved'],
    ['dispatched', true, 'resolved'],
    ['on_site', true, 'on_site'], // staff on site decide
    ['open', false, 'open'],
    ['dispatched', false, 'dispatched'],
  ])('%s, autoResolve %s → %s', (state, autoResolve, expected) => {
    const ctx = fakeContext();
    const t = ticketIn(state, ctx);
    const at = T0 + 30 * MIN;
    const { ticket, entries, notifications } = ok(applySignal(t, signal({ action: 'clear', autoResolve, at }), at, ctx));
    expect(ticket.state).toBe(expected);
    expect(ticket.conditionActive).toBe(false);
    expect(ticket.conditionClearedAt).toBe(at);
    expect(entries[0]).toMatchObject({ action: 'condition-cleared', actor: { kind: 'system' } });
    if (expected === 'resolved') {
      expect(entries[1]).toMatchObject({ action: 'resolved', fromState: state, toState: 'resolved', actor: { kind: 'system' }, data: { auto: true } });
      // No free text in one language: the desk words an automatic resolution in its own.
      expect(entries[1]!.note).toBeUndefined();
      expect(ticket.milestones).toMatchObject({ resolvedAt: at, autoResolved: true });
      expect(notifications.map((n) => n.kind)).toContain('ticket.resolved');
    } else {
      expect(entries).toHaveLength(1);
    }
    if (state === 'dispatched' && autoResolve) expect(notifications.map((n) => n.to)).toContainEqual({ staffId: 's1' });
  });

  it('a second clear adds no entry; a fire after a clear is always recorded', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx);
    const cleared = ok(applySignal(t, signal({ action: 'clear' }), T0 + 5 * SEC, ctx)).ticket;
    const again = ok(applySignal(cleared, signal({ action: 'clear' }), T0 + 6 * SEC, ctx));
    expect(again.entries).toEqual([]);
    expect(again.ticket.linkedEventCount).toBe(cleared.linkedEventCount + 1);
    // Inside the storm window, but the condition came back: that is news.
    const back = ok(applySignal(again.ticket, signal(), T0 + 7 * SEC, ctx));
    expect(back.entries).toEqual([expect.objectContaining({ action: 're-fired', data: expect.objectContaining({ conditionReturned: true }) })]);
    expect(back.ticket.conditionActive).toBe(true);
    expect(back.ticket.conditionClearedAt).toBeUndefined();
  });

  it('a clear on a closed ticket is ignored; a fire on it is refused', () => {
    const ctx = fakeContext();
    const t = ticketIn('closed', ctx);
    const clear = ok(applySignal(t, signal({ action: 'clear' }), T0 + HOUR_LATER, ctx));
    expect(clear.ticket).toBe(t);
    expect(applySignal(t, signal(), T0 + HOUR_LATER, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: 'closed' } });
  });
});

const HOUR_LATER = 60 * MIN;

describe('flapping: reopen within the window', () => {
  /** A held-open door that auto-resolved at `resolvedAt`. */
  function autoResolved(ctx = fakeContext()): { t: Ticket; resolvedAt: number; ctx: ReturnType<typeof fakeContext> } {
    const resolvedAt = T0 + 2 * MIN;
    const t = ok(applySignal(openTicket(ctx, { autoResolve: true }), signal({ action: 'clear', autoResolve: true }), resolvedAt, ctx)).ticket;
    expect(t.state).toBe('resolved');
    return { t, resolvedAt, ctx };
  }

  it.each([
    [1, true],
    [29, true],
    [30, true],
    [31, false],
  ])('a fire %d min after auto-resolve → reopen %s', (minutes, expected) => {
    const { t, resolvedAt, ctx } = autoResolved();
    expect(shouldReopen(t, signal(), resolvedAt + minutes * MIN, ctx.policy)).toBe(expected);
  });

  it('honours a configured window', () => {
    const { t, resolvedAt, ctx } = autoResolved(fakeContext({}, { reopenWindowMs: 5 * MIN }));
    expect(shouldReopen(t, signal(), resolvedAt + 6 * MIN, ctx.policy)).toBe(false);
    expect(shouldReopen(t, signal(), resolvedAt + 4 * MIN, ctx.policy)).toBe(true);
  });

  it('never for a clear, another fingerprint, or a ticket that is not resolved', () => {
    const { t, resolvedAt, ctx } = autoResolved();
    expect(shouldReopen(t, signal({ action: 'clear' }), resolvedAt + MIN, ctx.policy)).toBe(false);
    expect(shouldReopen(t, signal({ fingerprint: 'x' }), resolvedAt + MIN, ctx.policy)).toBe(false);
    const closed = cmd({ type: 'close', actor: operator }, t, resolvedAt + MIN, ctx);
    expect(shouldReopen(closed, signal(), resolvedAt + 2 * MIN, ctx.policy)).toBe(false);
  });

  it('a fire in the window reopens the same ticket with fresh deadlines', () => {
    const { t, resolvedAt, ctx } = autoResolved();
    const at = resolvedAt + 10 * MIN;
    const { ticket, entries, notifications } = ok(applySignal(t, signal({ at }), at, ctx));
    expect(ticket.id).toBe(t.id);
    expect(ticket.state).toBe('open');
    expect(ticket.reopenCount).toBe(1);
    expect(ticket.firingCount).toBe(t.firingCount + 1);
    expect(ticket.conditionActive).toBe(true);
    expect(ticket.milestones.resolvedAt).toBeUndefined();
    expect(ticket.deadlines.acknowledgeBy).toBe(at + ctx.policy.sla.byPriority.P3.acknowledgeMs);
    expect(entries).toEqual([expect.objectContaining({ action: 'reopened', fromState: 'resolved', toState: 'open', data: expect.objectContaining({ resolvedAt }) })]);
    expect(notifications.map((n) => n.kind)).toEqual(['ticket.reopened']);
  });

  it('staff-resolved tickets reopen too (the fix did not hold); outside the window the service must open a new ticket', () => {
    const ctx = fakeContext();
    const t = ticketIn('resolved', ctx); // resolved by s1 at T0 + 4 min
    expect(ok(applySignal(t, signal(), T0 + 20 * MIN, ctx)).ticket.state).toBe('open');
    expect(applySignal(t, signal(), T0 + 40 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: 'resolved' } });
  });

  it('a person can still resolve after a flapping reopen; the history stays on one ticket', () => {
    const { t, resolvedAt, ctx } = autoResolved();
    let k = ok(applySignal(t, signal(), resolvedAt + MIN, ctx)).ticket;
    k = cmd({ type: 'dispatch', actor: operator, staffId: 's1' }, k, resolvedAt + 2 * MIN, ctx);
    k = cmd({ type: 'resolve', actor: staff('s1'), note: 'replaced the door closer' }, k, resolvedAt + 30 * MIN, ctx);
    expect(k.state).toBe('resolved');
    expect(k.milestones.autoResolved).toBe(false);
    expect(k.lastSeq).toBe(1 + 2 + 1 + 2 + 1); // opened, cleared+resolved, reopened, ack+dispatch, resolved
  });
});
