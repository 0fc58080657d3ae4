import { describe, expect, it } from 'vitest';
import { applyCommand, mayView, withdrawnFrom } from '../../../../services/alerting/domain/tickets/index.ts';
import type { Command } from '../../../../services/alerting/domain/tickets/types.ts';
import { MIN, T0, fakeContext, ok, operator, staff, supervisor, system, ticketIn } from './fixtures.ts';

describe('who sees a ticket', () => {
  it('shows staff only what is assigned to them, the desk and the system everything', () => {
    const ctx = fakeContext();
    const open = ticketIn('open', ctx);
    const dispatched = ticketIn('dispatched', ctx);
    const closed = ticketIn('closed', ctx);
    expect([mayView(open, staff('s1')), mayView(dispatched, staff('s1')), mayView(closed, staff('s1'))]).toEqual([false, true, true]);
    expect(mayView(dispatched, staff('s2'))).toBe(false);
    for (const who of [operator, supervisor, system]) expect(mayView(open, who)).toBe(true);
  });
});

describe('withdrawn from', () => {
  it('names who lost the ticket to a re-dispatch, a transfer or a reopen, and nobody otherwise', () => {
    const ctx = fakeContext();
    const apply = (c: Command, state: Parameters<typeof ticketIn>[0]) => ok(applyCommand(ticketIn(state, ctx), c, T0 + 10 * MIN, ctx)).entries;
    expect(withdrawnFrom(apply({ type: 'dispatch', actor: operator, staffId: 's2', teamId: 'plumbing' }, 'dispatched'))).toEqual(['s1']);
    expect(withdrawnFrom(apply({ type: 'transfer', actor: operator, note: 'police', to: { kind: 'department', departmentId: 'public-security' } }, 'on_site'))).toEqual(['s1']);
    expect(withdrawnFrom(apply({ type: 'reopen', actor: operator, note: 'again' }, 'resolved'))).toEqual(['s1']);
    expect(withdrawnFrom(apply({ type: 'comment', actor: operator, note: 'fyi' }, 'dispatched'))).toEqual([]);
    expect(withdrawnFrom(apply({ type: 'dispatch', actor: operator, staffId: 's1', teamId: 'plumbing' }, 'acknowledged'))).toEqual([]);
  });
});
