import { describe, expect, it } from 'vitest';
import { applyCommand, evaluateTimers } from '../../../../services/alerting/domain/tickets/index.ts';
import type { TicketState } from '../../../../services/alerting/domain/tickets/types.ts';
import { HOUR, MIN, T0, cmd, fakeContext, ok, openTicket, operator, staff, ticketIn } from './fixtures.ts';

const toPolice = { type: 'transfer', to: { kind: 'department', departmentId: 'traffic-police' }, note: 'car blocking the fire lane' } as const;

describe('transfer to a partner department (via the city-management station)', () => {
  it.each<TicketState>(['open', 'acknowledged', 'dispatched', 'on_site'])('from %s → dispatched to the department', (state) => {
    const ctx = fakeContext();
    const before = ticketIn(state, ctx);
    const at = T0 + 20 * MIN;
    const { ticket, entries, notifications } = ok(applyCommand(before, { ...toPolice, actor: operator }, at, ctx));
    expect(ticket.state).toBe('dispatched');
    expect(ticket.assignment).toEqual({ kind: 'department', departmentId: 'traffic-police', transferredAt: at });
    expect(ticket.deadlines).toEqual(before.deadlines); // the resident's clock does not restart
    const transfer = entries.at(-1)!;
    expect(transfer).toMatchObject({ action: 'transferred', toState: 'dispatched', note: toPolice.note, actor: operator });
    expect(transfer.data).toMatchObject({ to: toPolice.to });
    expect(notifications.map((n) => [n.kind, n.to])).toContainEqual(['ticket.transferred', { departmentId: 'traffic-police' }]);
    if (state === 'open') expect(entries[0]).toMatchObject({ action: 'acknowledged', data: { impliedBy: 'transfer' } });
    if (state === 'dispatched' || state === 'on_site') {
      // The staff member is told to stand down, and the record keeps who had it.
      expect(notifications.map((n) => [n.kind, n.to])).toContainEqual(['ticket.withdrawn', { staffId: 's1' }]);
      expect(transfer.data).toMatchObject({ previous: { staffId: 's1', teamId: 'plumbing' } });
    }
  });

  it('a department assignment has no accept timeout, and no staff can accept it', () => {
    const ctx = fakeContext();
    const t = cmd({ ...toPolice, actor: operator }, ticketIn('acknowledged', ctx), T0 + 2 * MIN, ctx);
    const c = evaluateTimers(t, T0 + 2 * MIN + ctx.policy.acceptTimeoutMs + MIN, ctx);
    expect(c).toBeNull();
    expect(applyCommand(t, { type: 'accept', actor: operator }, T0 + 5 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
    expect(applyCommand(t, { type: 'arrive', actor: staff('s1') }, T0 + 5 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_NOT_ALLOWED' } });
    // The desk records the department's arrival and result.
    const onSite = cmd({ type: 'arrive', actor: operator, note: 'police on site' }, t, T0 + 20 * MIN, ctx);
    expect(onSite.state).toBe('on_site');
  });

  it('transferring to the department that already has it is invalid', () => {
    const ctx = fakeContext();
    const t = cmd({ ...toPolice, actor: operator }, ticketIn('open', ctx), T0 + MIN, ctx);
    expect(applyCommand(t, { ...toPolice, actor: operator }, T0 + 2 * MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND', currentState: 'dispatched' } });
  });

  it('a category the matrix routes to a department cannot be auto-dispatched to staff', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx, { category: 'parking' });
    expect(applyCommand(t, { type: 'dispatch', actor: operator }, T0 + MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
    expect(ok(applyCommand(t, { ...toPolice, actor: operator }, T0 + MIN, ctx)).ticket.state).toBe('dispatched');
  });
});

describe('transfer to another team', () => {
  it('goes back to acknowledged with the new team, no staff, acceptance reset', () => {
    const ctx = fakeContext();
    const accepted = cmd({ type: 'accept', actor: staff('s1') }, ticketIn('dispatched', ctx), T0 + 3 * MIN, ctx);
    const { ticket, entries } = ok(applyCommand(accepted, { type: 'transfer', to: { kind: 'team', teamId: 'guards' }, actor: operator, note: 'someone pried the cover' }, T0 + 10 * MIN, ctx));
    expect(ticket.state).toBe('acknowledged');
    expect(ticket.teamId).toBe('guards');
    expect(ticket.assignment).toBeUndefined();
    expect(entries.at(-1)?.data).toMatchObject({ fromTeamId: 'plumbing', previous: { staffId: 's1' } });
    // The new team's dispatch goes through the roster for that team, with a fresh accept clock.
    const d = ok(applyCommand(ticket, { type: 'dispatch', actor: operator }, T0 + 11 * MIN, ctx));
    expect(d.ticket.assignment).toMatchObject({ staffId: 'g1', teamId: 'guards', dispatchedAt: T0 + 11 * MIN });
    expect(d.ticket.assignment).not.toHaveProperty('acceptedAt');
  });

  it('taking a ticket back from a department to the same team is allowed; to the team that has it is not', () => {
    const ctx = fakeContext();
    const t = ticketIn('acknowledged', ctx);
    const same = applyCommand(t, { type: 'transfer', to: { kind: 'team', teamId: 'plumbing' }, actor: operator, note: 'x' }, T0 + 5 * MIN, ctx);
    expect(same).toMatchObject({ ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND' } });
    const atPolice = cmd({ ...toPolice, actor: operator }, t, T0 + 5 * MIN, ctx);
    const back = cmd({ type: 'transfer', to: { kind: 'team', teamId: 'plumbing' }, actor: operator, note: 'police declined, ours' }, atPolice, T0 + HOUR, ctx);
    expect(back.state).toBe('acknowledged');
    expect(back.assignment).toBeUndefined();
  });

  it('a transfer away from on_site does not make the first arrival late', () => {
    const ctx = fakeContext();
    const onSite = ticketIn('on_site', ctx);
    const moved = cmd({ type: 'transfer', to: { kind: 'team', teamId: 'guards' }, actor: operator, note: 'security matter' }, onSite, T0 + 10 * MIN, ctx);
    const c = evaluateTimers(moved, moved.deadlines.arriveBy + MIN, ctx);
    expect(c).toBeNull();
  });
});

describe('notification texts name people and teams, not ids', () => {
  it('a transfer to a team and an acceptance read the roster names in both languages', () => {
    const names: Record<string, { zh: string; en: string }> = { plumbing: { zh: '管道维修组', en: 'Plumbing Team' }, guards: { zh: '保安队', en: 'Security Guards' }, s1: { zh: '孔德明', en: 'Kong Deming' } };
    const ctx = { ...fakeContext(), nameOf: (id: string) => names[id] };
    const toGuards = ok(applyCommand(ticketIn('acknowledged', ctx), { type: 'transfer', to: { kind: 'team', teamId: 'guards' }, note: 'a guard is needed', actor: operator }, T0 + 5 * MIN, ctx));
    const transferred = toGuards.notifications.find((n) => n.kind === 'ticket.transferred')!;
    expect(transferred.message.zh).toContain('工单已转交保安队');
    expect(transferred.message.en).toContain('transferred to Security Guards');
    expect(`${transferred.message.zh} ${transferred.message.en}`).not.toMatch(/\bguards\b/);
    const accepted = ok(applyCommand(ticketIn('dispatched', ctx), { type: 'accept', actor: staff('s1') }, T0 + 5 * MIN, ctx)).notifications.find((n) => n.kind === 'ticket.changed')!;
    expect(accepted.message).toMatchObject({ zh: expect.stringContaining('孔德明 已接单'), en: expect.stringContaining('Kong Deming accepted') });
  });

  it('without names (a context that has none) the id is still shown, never an empty gap', () => {
    const ctx = fakeContext();
    const n = ok(applyCommand(ticketIn('acknowledged', ctx), { type: 'transfer', to: { kind: 'team', teamId: 'guards' }, note: 'a guard is needed', actor: operator }, T0 + 5 * MIN, ctx)).notifications.find((x) => x.kind === 'ticket.transferred')!;
    expect(n.message.en).toContain('transferred to guards');
  });
});
