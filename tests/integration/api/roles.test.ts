import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';

let h: AlertingHarness;
let desk: ApiUser;
let manager: ApiUser;
/** Chen Gang, a guard: the forced door below is dispatched to him. */
let guard: ApiUser;
/** Jiang Ming, another guard, with a ticket of his own. */
let otherGuard: ApiUser;
let mine: Ticket;
let theirs: Ticket;

async function forcedDoor(deviceId: string): Promise<Ticket> {
  const opened = h.ticketWhere((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  await h.event(deviceId, 'door.forced-open', { reason: 'opened-without-grant' });
  return opened;
}

beforeEach(async () => {
  h = await AlertingHarness.start(new ManualClock(Date.now()));
  const signIn = (login: string) => ApiUser.signIn(h.api.app, login);
  [desk, manager, guard, otherGuard] = await Promise.all([signIn('desk'), signIn('manager'), signIn('guard'), signIn('jiang-ming')]);
  mine = await forcedDoor('dl8-b1-u1-door');
  theirs = await forcedDoor('dl8-b2-u1-door');
  expect((await desk.act(mine.id, 'dispatch', { staffId: 'chen-gang', teamId: 'security' })).statusCode).toBe(200);
  expect((await desk.act(theirs.id, 'dispatch', { staffId: 'jiang-ming', teamId: 'security' })).statusCode).toBe(200);
});
afterEach(async () => h.close());

describe('staff', () => {
  it('list only the tickets dispatched to them, whatever filter they send', async () => {
    const ids = (res: { json(): { tickets: Ticket[] } }) => res.json().tickets.map((t) => t.id);
    expect(ids(await guard.get('/api/tickets'))).toEqual([mine.id]);
    expect(ids(await guard.get('/api/tickets?staff=jiang-ming'))).toEqual([mine.id]);
    expect(ids(await guard.get('/api/tickets?mine=true'))).toEqual([mine.id]);
    expect(ids(await otherGuard.get('/api/tickets'))).toEqual([theirs.id]);
    expect(ids(await desk.get('/api/tickets')).sort()).toEqual([mine.id, theirs.id].sort());
  });

  it('open their own ticket, not someone else’s', async () => {
    expect((await guard.get(`/api/tickets/${mine.id}`)).statusCode).toBe(200);
    const other = await guard.get(`/api/tickets/${theirs.id}`);
    expect(other.statusCode).toBe(403);
    expect(other.json()).toMatchObject({ code: 'OC_API_FORBIDDEN' });
  });

  it('accept, arrive, comment and resolve their own ticket', async () => {
    expect((await guard.act(mine.id, 'accept')).json().ticket.assignment.acceptedAt).toBeTypeOf('number');
    expect((await guard.act(mine.id, 'arrive')).json().ticket.state).toBe('on_site');
    expect((await guard.act(mine.id, 'comment', { note: 'door frame bent' })).statusCode).toBe(200);
    expect((await guard.act(mine.id, 'resolve', { note: 'door re-latched, frame reported' })).json().ticket.state).toBe('resolved');
    const timeline = (await desk.get(`/api/tickets/${mine.id}`)).json().timeline as Array<{ action: string; actor: { id?: string } }>;
    expect(timeline.filter((e) => ['accepted', 'arrived', 'commented', 'resolved'].includes(e.action)).map((e) => e.actor.id)).toEqual(['chen-gang', 'chen-gang', 'chen-gang', 'chen-gang']);
  });

  // Each of these is a legal step from `dispatched`, so only the role stops it.
  it.each(['escalate', 'cancel', 'transfer', 'dispatch'])('may not %s, even their own ticket', async (action) => {
    const body = action === 'transfer' ? { note: 'not mine', to: { kind: 'team', teamId: 'plumbing' } } : action === 'cancel' ? { note: 'false alarm' } : action === 'dispatch' ? { staffId: 'wei-qiang' } : {};
    const res = await guard.act(mine.id, action, body);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'OC_TICKET_NOT_ALLOWED', currentState: 'dispatched' });
    expect((await desk.get(`/api/tickets/${mine.id}`)).json().ticket.state).toBe('dispatched');
  });

  it('may not act on, or comment on, someone else’s ticket', async () => {
    for (const [action, body] of [['accept', {}], ['comment', { note: 'I can help' }]] as const) {
      const res = await guard.act(theirs.id, action, body);
      expect(res.statusCode).toBe(403);
      expect(res.json()).toMatchObject({ code: 'OC_API_FORBIDDEN' });
    }
    expect((await desk.get(`/api/tickets/${theirs.id}`)).json().timeline.map((e: { action: string }) => e.action)).not.toContain('commented');
  });

  it.each(['/api/shift', '/api/reports/sla', '/api/silences', '/api/roster/on-duty'])('cannot open %s', async (url) => {
    const res = await guard.get(url);
    expect(res.statusCode).toBe(403);
    expect(res.json()).toMatchObject({ code: 'OC_API_FORBIDDEN' });
  });

  it('see the site plan and the roster, which their phone page shows', async () => {
    expect((await guard.get('/api/site/plan')).statusCode).toBe(200);
    expect((await guard.get('/api/roster')).statusCode).toBe(200);
  });

  it("see their own phone number in the roster and nobody else's; the desk sees everyone's", async () => {
    type Member = { id: string; phone?: string };
    const staffOf = async (u: ApiUser) => (await u.get('/api/roster')).json().staff as Member[];
    const theirs = await staffOf(guard);
    expect(theirs.find((m) => m.id === 'chen-gang')?.phone).toBe('139-0000-0201');
    expect(theirs.filter((m) => m.phone !== undefined).map((m) => m.id)).toEqual(['chen-gang']);
    expect(theirs.length).toBeGreaterThan(30);
    const desks = await staffOf(desk);
    expect(desks.length).toBe(theirs.length);
    expect(desks.every((m) => m.phone !== undefined)).toBe(true);
  });
});

describe('operators', () => {
  it('do every action of the ticket domain', async () => {
    expect((await desk.act(mine.id, 'comment', { note: 'watching camera 1' })).statusCode).toBe(200);
    expect((await desk.act(mine.id, 'escalate')).statusCode).toBe(200);
    expect((await desk.act(mine.id, 'transfer', { note: 'police needed', to: { kind: 'department', departmentId: 'public-security' } })).json().ticket.assignment).toMatchObject({ departmentId: 'public-security' });
    expect((await desk.act(mine.id, 'resolve', { note: 'police took over' })).json().ticket.state).toBe('resolved');
    expect((await desk.act(mine.id, 'reopen', { note: 'happened again' })).json().ticket.state).toBe('open');
    expect((await desk.act(mine.id, 'acknowledge')).json().ticket.state).toBe('acknowledged');
    expect((await desk.act(mine.id, 'cancel', { note: 'duplicate of the gate ticket' })).json().ticket.state).toBe('cancelled');
    expect((await desk.act(theirs.id, 'arrive', { note: 'he phoned in' })).json().ticket.state).toBe('on_site');
    expect((await desk.act(theirs.id, 'resolve', { note: 'fixed' })).statusCode).toBe(200);
    expect((await desk.act(theirs.id, 'close')).json().ticket.state).toBe('closed');
  });

  it('open the shift view and silences, but not the manager’s report', async () => {
    expect((await desk.get('/api/shift')).statusCode).toBe(200);
    expect((await desk.get('/api/silences')).statusCode).toBe(200);
    const report = await desk.get('/api/reports/sla');
    expect(report.statusCode).toBe(403);
    expect(report.json()).toMatchObject({ code: 'OC_API_FORBIDDEN' });
  });
});

describe('managers', () => {
  it('do what operators do, and open the report', async () => {
    expect((await manager.act(mine.id, 'comment', { note: 'keep me posted' })).statusCode).toBe(200);
    expect((await manager.get('/api/shift')).statusCode).toBe(200);
    expect((await manager.get('/api/reports/sla')).statusCode).toBe(200);
    expect((await manager.get('/api/tickets')).json().tickets).toHaveLength(2);
  });
});
