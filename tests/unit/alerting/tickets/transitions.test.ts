import { describe, expect, it } from 'vitest';
import { applyCommand } from '../../../../services/alerting/domain/tickets/index.ts';
import type { Actor, Command, CommandBody, CommandType, TicketState } from '../../../../services/alerting/domain/tickets/types.ts';
import { MIN, T0, cmd, fakeContext, ok, openTicket, operator, staff, supervisor, system, ticketIn } from './fixtures.ts';

const STATES: TicketState[] = ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'closed', 'cancelled'];

/** One valid body per command type (by an operator, with a note), so only the state decides. */
const BODIES: Record<CommandType, CommandBody & { note?: string }> = {
  acknowledge: { type: 'acknowledge' },
  dispatch: { type: 'dispatch', staffId: 's2', teamId: 'plumbing' },
  accept: { type: 'accept' },
  arrive: { type: 'arrive' },
  resolve: { type: 'resolve', note: 'fixed remotely' },
  close: { type: 'close' },
  cancel: { type: 'cancel', note: 'duplicate of a phone report' },
  reopen: { type: 'reopen', note: 'resident says it is back' },
  transfer: { type: 'transfer', to: { kind: 'team', teamId: 'guards' }, note: 'needs the guards' },
  comment: { type: 'comment', note: 'resident called' },
  escalate: { type: 'escalate' },
};

// The expected state machine, written out independently of the implementation's table.
const X = 'illegal' as const;
const EXPECTED: Record<TicketState, Record<CommandType, TicketState | typeof X>> = {
  open: { acknowledge: 'acknowledged', dispatch: 'dispatched', accept: X, arrive: X, resolve: X, close: X, cancel: 'cancelled', reopen: X, transfer: 'acknowledged', comment: 'open', escalate: 'open' },
  acknowledged: { acknowledge: X, dispatch: 'dispatched', accept: X, arrive: X, resolve: 'resolved', close: X, cancel: 'cancelled', reopen: X, transfer: 'acknowledged', comment: 'acknowledged', escalate: 'acknowledged' },
  dispatched: { acknowledge: X, dispatch: 'dispatched', accept: 'dispatched', arrive: 'on_site', resolve: 'resolved', close: X, cancel: 'cancelled', reopen: X, transfer: 'acknowledged', comment: 'dispatched', escalate: 'dispatched' },
  on_site: { acknowledge: X, dispatch: X, accept: X, arrive: X, resolve: 'resolved', close: X, cancel: 'cancelled', reopen: X, transfer: 'acknowledged', comment: 'on_site', escalate: 'on_site' },
  resolved: { acknowledge: X, dispatch: X, accept: X, arrive: X, resolve: X, close: 'closed', cancel: 'cancelled', reopen: 'open', transfer: X, comment: 'resolved', escalate: X },
  closed: { acknowledge: X, dispatch: X, accept: X, arrive: X, resolve: X, close: X, cancel: X, reopen: X, transfer: X, comment: 'closed', escalate: X },
  cancelled: { acknowledge: X, dispatch: X, accept: X, arrive: X, resolve: X, close: X, cancel: X, reopen: X, transfer: X, comment: 'cancelled', escalate: X },
};

const cases = STATES.flatMap((s) => (Object.keys(BODIES) as CommandType[]).map((c) => [s, c, EXPECTED[s][c]] as const));

describe('state × command', () => {
  it.each(cases)('%s + %s → %s', (state, type, expected) => {
    const ctx = fakeContext();
    const before = ticketIn(state, ctx);
    const snapshot = structuredClone(before);
    const now = T0 + 10 * MIN;
    const decision = applyCommand(before, { ...BODIES[type], actor: operator } as Command, now, ctx);
    expect(before).toEqual(snapshot); // never mutates its input
    if (expected === X) {
      expect(decision.ok).toBe(false);
      if (!decision.ok) {
        expect(decision.error.code).toBe('OC_TICKET_ILLEGAL_TRANSITION');
        expect(decision.error.currentState).toBe(state);
      }
      return;
    }
    const { ticket, entries } = ok(decision);
    expect(ticket.state).toBe(expected);
    expect(ticket.version).toBe(before.version + 1);
    expect(ticket.updatedAt).toBe(now);
    expect(entries.length).toBeGreaterThan(0);
    // seq continues gap-free from the ticket's last entry, all stamped now, by the actor.
    expect(entries.map((e) => e.seq)).toEqual(entries.map((_, i) => before.lastSeq + 1 + i));
    expect(entries.every((e) => e.at === now && e.ticketId === before.id)).toBe(true);
    expect(entries.at(-1)?.actor).toEqual(operator);
    if (expected !== state) expect(entries.at(-1)).toMatchObject({ toState: expected });
    if (BODIES[type].note !== undefined) expect(entries.at(-1)?.note).toBe(BODIES[type].note);
  });
});

describe('notes', () => {
  it.each([
    ['resolve', 'acknowledged'],
    ['cancel', 'open'],
    ['transfer', 'open'],
    ['comment', 'open'],
  ] as const)('%s without a note is invalid and names the field', (type, state) => {
    const ctx = fakeContext();
    const t = ticketIn(state, ctx);
    for (const note of [undefined, '   ']) {
      const body = { ...BODIES[type], note } as Command;
      const d = applyCommand(t, { ...body, actor: operator }, T0 + MIN * 10, ctx);
      expect(d).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND', currentState: state } });
      if (!d.ok) expect(d.error.message).toMatch(/^note:/);
    }
  });

  it('keeps an optional note on acknowledge, trimmed', () => {
    const ctx = fakeContext();
    const { entries } = ok(applyCommand(ticketIn('open', ctx), { type: 'acknowledge', actor: operator, note: '  on it ' }, T0 + MIN, ctx));
    expect(entries[0]?.note).toBe('on it');
  });
});

describe('malformed commands', () => {
  const ctx = fakeContext();
  it.each([
    ['unknown type', { type: 'explode', actor: operator }, /^type:/],
    ['no actor', { type: 'acknowledge' }, /^actor:/],
    ['bad role', { type: 'acknowledge', actor: { kind: 'person', id: 'x', role: 'mayor' } }, /^actor\.role:/],
    ['empty person id', { type: 'acknowledge', actor: { kind: 'person', id: ' ', role: 'operator' } }, /^actor\.id:/],
    ['empty commandId', { type: 'acknowledge', actor: operator, commandId: '' }, /^commandId:/],
    ['transfer without target', { type: 'transfer', actor: operator, note: 'x' }, /^to:/],
    ['transfer to team without id', { type: 'transfer', actor: operator, note: 'x', to: { kind: 'team' } }, /^to\.teamId:/],
    ['dispatch to empty staff id', { type: 'dispatch', actor: operator, staffId: '' }, /^staffId:/],
    ['overlong note', { type: 'comment', actor: operator, note: 'x'.repeat(2001) }, /^note:/],
  ])('%s', (_name, command, field) => {
    const d = applyCommand(ticketIn('open', ctx), command as unknown as Command, T0, ctx);
    expect(d).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND', currentState: 'open' } });
    if (!d.ok) expect(d.error.message).toMatch(field);
  });
});

describe('who may act', () => {
  const s1 = staff('s1');
  const s2 = staff('s2');
  it.each<[TicketState, CommandType, Actor, boolean]>([
    ['open', 'acknowledge', s1, false],
    ['open', 'acknowledge', supervisor, true],
    ['open', 'dispatch', system, true],
    ['open', 'cancel', system, false],
    ['dispatched', 'accept', s1, true],
    ['dispatched', 'accept', s2, false],
    ['dispatched', 'arrive', s1, true],
    ['dispatched', 'arrive', s2, false],
    ['dispatched', 'transfer', s1, false],
    ['on_site', 'resolve', s1, true],
    ['on_site', 'resolve', s2, false],
    ['resolved', 'close', s1, false],
    ['resolved', 'close', system, true],
    ['resolved', 'reopen', s1, false],
    ['closed', 'comment', s1, true],
    ['closed', 'comment', s2, false],
    ['open', 'comment', s1, false],
    ['open', 'comment', system, true],
  ])('%s: %s by %o → allowed %s', (state, type, actor, allowed) => {
    const ctx = fakeContext();
    const d = applyCommand(ticketIn(state, ctx), { ...BODIES[type], actor } as Command, T0 + 10 * MIN, ctx);
    expect(d.ok).toBe(allowed);
    if (!d.ok) expect(d.error).toMatchObject({ code: 'OC_TICKET_NOT_ALLOWED', currentState: state });
  });
});

describe('idempotent commands', () => {
  it('applies a commandId once, even after the state moved on', () => {
    const ctx = fakeContext();
    const t0 = ticketIn('open', ctx);
    const first = ok(applyCommand(t0, { type: 'acknowledge', actor: operator, commandId: 'c-1' }, T0 + MIN, ctx));
    expect(first.entries).toHaveLength(1);
    const retry = ok(applyCommand(first.ticket, { type: 'acknowledge', actor: operator, commandId: 'c-1' }, T0 + 2 * MIN, ctx));
    expect(retry.ticket).toBe(first.ticket);
    expect(retry.entries).toEqual([]);
    expect(retry.notifications).toEqual([]);
    // Without the id the same command is a real second attempt, and illegal.
    expect(applyCommand(first.ticket, { type: 'acknowledge', actor: operator }, T0 + 2 * MIN, ctx).ok).toBe(false);
  });

  it('different commandIds both apply; the remembered ids are bounded', () => {
    const ctx = fakeContext({}, { commandIdsKept: 3 });
    let t = ticketIn('open', ctx);
    for (let i = 1; i <= 4; i++) t = cmd({ type: 'comment', actor: operator, note: `n${i}`, commandId: `c-${i}` }, t, T0 + i * MIN, ctx);
    expect(t.recentCommandIds).toEqual(['c-2', 'c-3', 'c-4']);
    // c-1 fell out of the window: a very late retry applies again; c-4 does not.
    expect(ok(applyCommand(t, { type: 'comment', actor: operator, note: 'n1', commandId: 'c-1' }, T0 + 9 * MIN, ctx)).entries).toHaveLength(1);
    expect(ok(applyCommand(t, { type: 'comment', actor: operator, note: 'n4', commandId: 'c-4' }, T0 + 9 * MIN, ctx)).entries).toHaveLength(0);
  });

  it('a failed command does not remember its id', () => {
    const ctx = fakeContext();
    const t = ticketIn('open', ctx);
    expect(applyCommand(t, { type: 'resolve', actor: operator, note: 'x', commandId: 'c-9' }, T0, ctx).ok).toBe(false);
    const acked = cmd({ type: 'acknowledge', actor: operator }, t, T0 + MIN, ctx);
    expect(ok(applyCommand(acked, { type: 'resolve', actor: operator, note: 'x', commandId: 'c-9' }, T0 + 2 * MIN, ctx)).ticket.state).toBe('resolved');
  });
});

describe('dispatch, accept, arrive', () => {
  it('dispatch from open records the implied acknowledge, then the dispatch, and pages the staff', () => {
    const ctx = fakeContext();
    const at = T0 + 3 * MIN;
    const { ticket, entries, notifications } = ok(applyCommand(ticketIn('open', ctx), { type: 'dispatch', actor: operator, staffId: 's2', note: 'nearest' }, at, ctx));
    expect(entries.map((e) => [e.action, e.fromState, e.toState])).toEqual([
      ['acknowledged', 'open', 'acknowledged'],
      ['dispatched', 'acknowledged', 'dispatched'],
    ]);
    expect(entries[0]?.data).toEqual({ impliedBy: 'dispatch' });
    expect(entries[1]?.note).toBe('nearest');
    expect(ticket.milestones.acknowledgedAt).toBe(at);
    expect(ticket.assignment).toEqual({ kind: 'staff', staffId: 's2', teamId: 'plumbing', dispatchedAt: at });
    expect(notifications).toEqual([expect.objectContaining({ kind: 'ticket.dispatched', to: { staffId: 's2' }, at, ticketId: ticket.id })]);
  });

  it('without a staff id the roster chooses, skipping whoever already has it', () => {
    const ctx = fakeContext();
    const t = ticketIn('dispatched', ctx); // s1
    const { ticket, entries, notifications } = ok(applyCommand(t, { type: 'dispatch', actor: operator }, T0 + 9 * MIN, ctx));
    expect(ctx.roster.calls.at(-1)).toEqual({ teamId: 'plumbing', exclude: ['s1'] });
    expect(ticket.assignment).toMatchObject({ staffId: 's2' });
    expect(entries[0]).toMatchObject({ action: 'redispatched', data: { staffId: 's2', previous: { staffId: 's1', teamId: 'plumbing' } } });
    expect(notifications.map((n) => [n.kind, n.to])).toEqual([
      ['ticket.withdrawn', { staffId: 's1' }],
      ['ticket.dispatched', { staffId: 's2' }],
    ]);
  });

  it('re-dispatch to the same person, or with nobody on duty, is invalid', () => {
    const ctx = fakeContext({ onDuty: { plumbing: ['s1'] } });
    const t = ticketIn('dispatched', ctx);
    expect(applyCommand(t, { type: 'dispatch', actor: operator, staffId: 's1' }, T0 + 9 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
    expect(applyCommand(t, { type: 'dispatch', actor: operator }, T0 + 9 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
  });

  it('accept stays dispatched and sets acceptedAt; accepting twice is invalid', () => {
    const ctx = fakeContext();
    const at = T0 + 6 * MIN;
    const accepted = cmd({ type: 'accept', actor: staff('s1') }, ticketIn('dispatched', ctx), at, ctx);
    expect(accepted.state).toBe('dispatched');
    expect(accepted.assignment).toMatchObject({ kind: 'staff', staffId: 's1', acceptedAt: at });
    expect(applyCommand(accepted, { type: 'accept', actor: staff('s1') }, at + MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
  });

  it('arriving without accepting implies the accept', () => {
    const ctx = fakeContext();
    const at = T0 + 20 * MIN;
    const d = ok(applyCommand(ticketIn('dispatched', ctx), { type: 'arrive', actor: staff('s1') }, at, ctx));
    expect(d.ticket.assignment).toMatchObject({ acceptedAt: at });
    expect(d.ticket.milestones.arrivedAt).toBe(at);
    expect(d.entries[0]?.data).toMatchObject({ impliedAccept: true });
  });

  it('an operator resolving remotely tells the dispatched staff to stand down', () => {
    const ctx = fakeContext();
    const { notifications } = ok(applyCommand(ticketIn('dispatched', ctx), { type: 'resolve', actor: operator, note: 'reset remotely' }, T0 + 9 * MIN, ctx));
    expect(notifications.map((n) => [n.kind, n.to])).toContainEqual(['ticket.resolved', { staffId: 's1' }]);
    // ...but staff resolving their own job are not told what they just did.
    const own = ok(applyCommand(ticketIn('on_site', ctx), { type: 'resolve', actor: staff('s1'), note: 'done' }, T0 + 9 * MIN, ctx));
    expect(own.notifications.map((n) => n.to)).toEqual([{ role: 'operator' }]);
  });

  it('a person reopen starts fresh deadlines and clears the assignment', () => {
    const ctx = fakeContext();
    const at = T0 + 2 * 60 * MIN;
    const t = cmd({ type: 'reopen', actor: operator, note: 'still smells' }, ticketIn('resolved', ctx), at, ctx);
    expect(t.state).toBe('open');
    expect(t.assignment).toBeUndefined();
    expect(t.reopenCount).toBe(1);
    expect(t.deadlines.acknowledgeBy).toBe(at + ctx.policy.sla.byPriority.P3.acknowledgeMs);
    expect(t.deadlines.resolveBy).toBe(at + ctx.policy.sla.byPriority.P3.resolveMs);
  });

  it('notification ids are unique and stable per version', () => {
    const ctx = fakeContext();
    const d = ok(applyCommand(ticketIn('dispatched', ctx), { type: 'dispatch', actor: operator }, T0 + 9 * MIN, ctx));
    const ids = d.notifications.map((n) => n.id);
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids.every((id) => id.startsWith(`${d.ticket.id}/v${d.ticket.version}/`))).toBe(true);
  });
});

describe('timeline', () => {
  it('is gap-free across a whole life and JSON-round-trips', () => {
    const ctx = fakeContext();
    const t = ticketIn('closed', ctx);
    expect(t.lastSeq).toBeGreaterThanOrEqual(6);
    expect(JSON.parse(JSON.stringify(t))).toEqual(t);
    expect(openTicket(ctx).lastSeq).toBe(1);
  });
});
