/**
 * The API's two refusals, one by one: an invalid request is a 400 that names the field,
 * an illegal transition a 409 that says the state the ticket is in now. Each case checks
 * the code, the field (or the state), and that nothing changed.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';

let h: AlertingHarness;
let clock: ManualClock;
let desk: ApiUser;
beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  desk = await ApiUser.signIn(h.api.app, 'desk');
});
afterEach(async () => h.close());

async function forcedDoor(deviceId = 'dl8-b3-u2-door'): Promise<Ticket> {
  const opened = h.ticketWhere((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  await h.event(deviceId, 'door.forced-open', { reason: 'opened-without-grant' });
  return opened;
}

const stateOf = async (id: string): Promise<string> => (await desk.get(`/api/tickets/${id}`)).json().ticket.state;

describe('invalid requests: 400 naming the field', () => {
  it('in the ticket list query', async () => {
    const cases: Array<[string, string]> = [
      ['/api/tickets?limit=0', 'querystring.limit'],
      ['/api/tickets?limit=many', 'querystring.limit'],
      ['/api/tickets?state=sleeping', 'querystring.state'],
      ['/api/tickets?priority=P9', 'querystring.priority'],
      ['/api/tickets?category=drainage,weather', 'querystring.category'],
      ['/api/tickets?before=-5', 'querystring.before'],
      ['/api/tickets?colour=red', 'querystring.colour'],
      ['/api/tickets/not-a-ticket-id', 'params.id'],
      ['/api/roster/on-duty?at=yesterday', 'querystring.at'],
      ['/api/silences?all=maybe', 'querystring.all'],
    ];
    for (const [url, field] of cases) {
      const res = await desk.get(url);
      expect({ url, status: res.statusCode, body: res.json() }).toMatchObject({ url, status: 400, body: { code: 'OC_API_INVALID_REQUEST', field } });
    }
  });

  it('in a ticket action, with the ticket left as it was', async () => {
    const ticket = await forcedDoor();
    const cases: Array<[string, object, string, string]> = [
      ['comment', { note: 'x', colour: 'red' }, 'OC_API_INVALID_REQUEST', 'body.colour'],
      ['acknowledge', { note: '' }, 'OC_API_INVALID_REQUEST', 'body.note'],
      ['acknowledge', { actionId: 'short' }, 'OC_API_INVALID_REQUEST', 'body.actionId'],
      ['transfer', { note: 'not ours' }, 'OC_API_INVALID_REQUEST', 'body.to'],
      ['transfer', { note: 'not ours', to: { kind: 'team', teamId: 'astronauts' } }, 'OC_API_INVALID_REQUEST', 'body.to.teamId'],
      ['dispatch', { staffId: 'ghost' }, 'OC_API_INVALID_REQUEST', 'body.staffId'],
      ['dispatch', { teamId: 'astronauts' }, 'OC_API_INVALID_REQUEST', 'body.teamId'],
      ['explode', {}, 'OC_API_INVALID_REQUEST', 'params.action'],
      // JSON carries its types: a number is not quietly stored as the note "5".
      ['comment', { note: 5 }, 'OC_API_INVALID_REQUEST', 'body.note'],
      ['dispatch', { staffId: ['chen-gang'] }, 'OC_API_INVALID_REQUEST', 'body.staffId'],
      ['transfer', { note: 'x', to: { kind: 'team', teamId: 7 } }, 'OC_API_INVALID_REQUEST', 'body.to.teamId'],
      // A cancellation, a resolution and a comment are nothing without their reason: the domain's rule, the same answer.
      ['cancel', {}, 'OC_TICKET_INVALID_COMMAND', 'body.note'],
      ['comment', { note: '   ' }, 'OC_TICKET_INVALID_COMMAND', 'body.note'],
    ];
    for (const [action, body, code, field] of cases) {
      const res = await desk.act(ticket.id, action, body);
      expect({ action, status: res.statusCode, body: res.json() }).toMatchObject({ action, status: 400, body: { code, field } });
    }
    const after = (await desk.get(`/api/tickets/${ticket.id}`)).json();
    expect(after.ticket.state).toBe('open');
    expect(after.timeline.map((e: { action: string }) => e.action)).toEqual(['opened']);
  });

  it('in words a person reads: what is missing, which values are allowed, a body that is not JSON', async () => {
    const ticket = await forcedDoor();
    const missing = await desk.post(`/api/tickets/${ticket.id}/acknowledge`, { note: 'seen' });
    expect(missing.json()).toEqual({ code: 'OC_API_INVALID_REQUEST', field: 'body.actionId', message: 'body.actionId is required' });
    const action = (await desk.act(ticket.id, 'explode', {})).json();
    expect(action.message).toMatch(/^params\.action must be one of: acknowledge, dispatch, accept, arrive, resolve, close, cancel, reopen, transfer, comment, escalate$/);
    const notJson = await h.api.app.inject({ method: 'POST', url: `/api/tickets/${ticket.id}/comment`, headers: { cookie: desk.cookie, 'content-type': 'application/json' }, payload: '{"actionId": "abcdefgh-1", note' });
    expect({ status: notJson.statusCode, body: notJson.json() }).toMatchObject({ status: 400, body: { code: 'OC_API_INVALID_REQUEST', field: 'body' } });
    expect((await desk.get(`/api/tickets/${ticket.id}`)).json().timeline.map((e: { action: string }) => e.action)).toEqual(['opened']);
  });

  it('in a silence, and none is created', async () => {
    const endsAt = new Date(clock.now() + 3_600_000).toISOString();
    const cases: Array<[object, string, string]> = [
      [{ endsAt, reason: 'pump works' }, 'OC_API_INVALID_REQUEST', 'body.matcher'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, reason: 'pump works' }, 'OC_API_INVALID_REQUEST', 'body.endsAt'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, endsAt: 'tomorrow', reason: 'pump works' }, 'OC_API_INVALID_REQUEST', 'body.endsAt'],
      [{ matcher: { deviceId: 'dl8-drain-m3', colour: 'red' }, endsAt, reason: 'pump works' }, 'OC_API_INVALID_REQUEST', 'body.matcher.colour'],
      [{ matcher: { alertType: 'drain.flooded' }, endsAt, reason: 'pump works' }, 'OC_API_INVALID_REQUEST', 'body.matcher.alertType'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, endsAt }, 'OC_API_INVALID_REQUEST', 'body.reason'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, endsAt, reason: true }, 'OC_API_INVALID_REQUEST', 'body.reason'],
      [{ matcher: {}, endsAt, reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.matcher'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, endsAt: new Date(clock.now() - 60_000).toISOString(), reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.endsAt'],
      [{ matcher: { deviceId: 'dl8-drain-m3' }, endsAt: new Date(clock.now() + 40 * 86_400_000).toISOString(), reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.endsAt'],
      // A typo would silence nothing while the desk believes the place covered.
      [{ matcher: { deviceId: 'dl8-drain-m33' }, endsAt, reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.matcher.deviceId'],
      [{ matcher: { compoundId: 'dl9' }, endsAt, reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.matcher.compoundId'],
      [{ matcher: { communityId: 'dianliu-9', alertType: 'drain.rapid-rise' }, endsAt, reason: 'pump works' }, 'OC_SILENCE_INVALID', 'body.matcher.communityId'],
    ];
    for (const [body, code, field] of cases) {
      const res = await desk.post('/api/silences', body);
      expect({ body, status: res.statusCode, answer: res.json() }).toMatchObject({ body, status: 400, answer: { code, field } });
    }
    expect((await desk.get('/api/silences?all=true')).json().silences).toEqual([]);
  });
});

describe('illegal transitions: 409 with the current state', () => {
  it('refuses each step its state does not allow, and says which state that is', async () => {
    const ticket = await forcedDoor();
    const refused = async (action: string, body: object, state: string) => {
      const res = await desk.act(ticket.id, action, body);
      expect({ action, status: res.statusCode, body: res.json() }).toMatchObject({ action, status: 409, body: { code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: state } });
      expect(await stateOf(ticket.id)).toBe(state);
    };
    await refused('accept', {}, 'open');
    await refused('arrive', {}, 'open');
    await refused('resolve', { note: 'nothing to see' }, 'open');
    await refused('close', {}, 'open');
    await refused('reopen', {}, 'open');

    expect((await desk.act(ticket.id, 'acknowledge', {})).statusCode).toBe(200);
    await refused('acknowledge', {}, 'acknowledged');
    await refused('close', {}, 'acknowledged');
    await refused('accept', {}, 'acknowledged');
  });

  it('cancels a ticket with a reason, after which only a comment is accepted', async () => {
    const ticket = await forcedDoor();
    const cancelled = await desk.act(ticket.id, 'cancel', { note: 'test of the door alarm, announced by the building manager' });
    expect(cancelled.statusCode).toBe(200);
    expect(cancelled.json().ticket).toMatchObject({ id: ticket.id, state: 'cancelled', milestones: { cancelledAt: clock.now() } });
    expect(cancelled.json().entries).toEqual([expect.objectContaining({ action: 'cancelled', note: 'test of the door alarm, announced by the building manager', actor: expect.objectContaining({ id: 'sun-li' }) })]);

    for (const [action, body] of [['acknowledge', {}], ['dispatch', {}], ['resolve', { note: 'x' }], ['close', {}], ['cancel', { note: 'again' }], ['transfer', { note: 'x', to: { kind: 'team', teamId: 'plumbing' } }]] as const) {
      const res = await desk.act(ticket.id, action, body);
      expect({ action, status: res.statusCode, body: res.json() }).toMatchObject({ action, status: 409, body: { code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: 'cancelled' } });
    }
    expect((await desk.act(ticket.id, 'comment', { note: 'resident informed' })).statusCode).toBe(200);
    const detail = (await desk.get(`/api/tickets/${ticket.id}`)).json();
    expect(detail.ticket.state).toBe('cancelled');
    expect(detail.timeline.map((e: { action: string }) => e.action)).toEqual(['opened', 'cancelled', 'commented']);
    expect((await desk.get('/api/tickets?state=cancelled')).json().tickets.map((t: Ticket) => t.id)).toEqual([ticket.id]);
  });
});

describe('typed answers', () => {
  it('pass every field of the ticket, its timeline and its linked events through unchanged', async () => {
    const ticket = await forcedDoor();
    const acted = (await desk.act(ticket.id, 'dispatch', { staffId: 'chen-gang', teamId: 'security', note: 'go and look' })).json();
    const stored = JSON.parse(JSON.stringify(h.alerting.store.getTicket(ticket.id)));
    expect(acted.ticket).toEqual(stored.ticket);
    expect((await desk.get(`/api/tickets/${ticket.id}`)).json()).toEqual(stored);
    expect((await desk.get('/api/tickets')).json().tickets).toEqual([stored.ticket]);
  });
});

describe('ticket list filters', () => {
  it('narrows by place, device, category, priority and state', async () => {
    const door = await forcedDoor('dl8-b1-u1-door');
    // A covered lens: a device-fault ticket at once (a video loss waits 15 min before it is one).
    const camera = h.ticketWhere((t) => t.subject.deviceId === 'dl8-cam-01' && t.alertType === 'camera.tamper');
    await h.event('dl8-cam-01', 'tamper.cover', {});
    const cam = await camera;
    const ids = async (query: string) => (await desk.get(`/api/tickets${query}`)).json().tickets.map((t: Ticket) => t.id).sort();

    expect(await ids('')).toEqual([door.id, cam.id].sort());
    expect(await ids('?device=dl8-b1-u1-door')).toEqual([door.id]);
    expect(await ids(`?category=${cam.category}`)).toEqual([cam.id]);
    expect(await ids('?priority=P1')).toEqual([door.id]);
    expect(await ids('?compound=dl8&community=dianliu-8')).toEqual([door.id, cam.id].sort());
    expect(await ids('?compound=elsewhere')).toEqual([]);
    expect(await ids('?state=acknowledged')).toEqual([]);
    expect(await ids('?limit=1')).toHaveLength(1);
  });
});
