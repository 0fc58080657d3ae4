import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { until } from '../../support/api-user.ts';

let h: AlertingHarness;
let clock: ManualClock;
let cookies: Map<string, Promise<string>>;
beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  cookies = new Map();
});
afterEach(async () => h.close());

/** Requests as a demo user (desk: the operator Sun Li); actions get a fresh action id unless they bring one. */
async function inject(method: 'GET' | 'POST' | 'DELETE', url: string, body?: unknown, login = 'desk') {
  if (!cookies.has(login)) cookies.set(login, h.signIn(login));
  const cookie = await cookies.get(login)!;
  const isAction = method === 'POST' && url.startsWith('/api/tickets/');
  const payload = isAction ? { actionId: randomUUID(), ...(body as object) } : body;
  return h.api.app.inject({ method, url, ...(payload !== undefined ? { payload: payload as object } : {}), headers: { cookie } });
}

async function forcedDoorTicket() {
  const opened = h.ticketWhere((t) => t.alertType === 'door.forced-open');
  await h.event('dl8-b3-u2-door', 'door.forced-open', { reason: 'opened-without-grant' });
  return opened;
}

describe('alerting API', () => {
  it('lists and shows a ticket with its timeline and linked event', async () => {
    const ticket = await forcedDoorTicket();
    const list = await inject('GET', '/api/tickets?state=open&category=security');
    expect(list.statusCode).toBe(200);
    expect(list.json().tickets.map((t: { id: string }) => t.id)).toEqual([ticket.id]);
    const one = await inject('GET', `/api/tickets/${ticket.id}`);
    expect(one.statusCode).toBe(200);
    const body = one.json();
    expect(body.ticket).toMatchObject({ id: ticket.id, priority: 'P1', state: 'open', subject: { deviceId: 'dl8-b3-u2-door' } });
    expect(body.timeline[0]).toMatchObject({ seq: 1, action: 'opened' });
    expect(body.linkedEvents[0].body).toMatchObject({ type: 'door.forced-open', deviceId: 'dl8-b3-u2-door' });
  });

  it('acts on a ticket through its life, and refuses an illegal step with 409 and the current state', async () => {
    const ticket = await forcedDoorTicket();
    const ack = await inject('POST', `/api/tickets/${ticket.id}/acknowledge`, { note: 'seen on camera 5' });
    expect(ack.statusCode).toBe(200);
    expect(ack.json().ticket.state).toBe('acknowledged');
    const dispatched = await inject('POST', `/api/tickets/${ticket.id}/dispatch`, {});
    expect(dispatched.statusCode).toBe(200);
    const assignee = dispatched.json().ticket.assignment;
    expect(assignee).toMatchObject({ kind: 'staff', teamId: 'security' });
    const onDutyGuards = h.alerting.planner.onDuty(clock.now(), 'security').map((s) => s.id);
    expect(onDutyGuards).toContain(assignee.staffId);

    const tooEarly = await inject('POST', `/api/tickets/${ticket.id}/close`, {});
    expect(tooEarly.statusCode).toBe(409);
    expect(tooEarly.json()).toMatchObject({ code: 'OC_TICKET_ILLEGAL_TRANSITION', currentState: 'dispatched' });

    expect((await inject('POST', `/api/tickets/${ticket.id}/accept`, {}, assignee.staffId)).statusCode).toBe(200);
    expect((await inject('POST', `/api/tickets/${ticket.id}/arrive`, {}, assignee.staffId)).json().ticket.state).toBe('on_site');
    expect((await inject('POST', `/api/tickets/${ticket.id}/resolve`, { note: 'door re-latched, no intruder' }, assignee.staffId)).json().ticket.state).toBe('resolved');
    expect((await inject('POST', `/api/tickets/${ticket.id}/close`, {})).json().ticket.state).toBe('closed');
    const timeline = (await inject('GET', `/api/tickets/${ticket.id}`)).json().timeline.map((e: { action: string }) => e.action);
    expect(timeline).toEqual(expect.arrayContaining(['opened', 'acknowledged', 'dispatched', 'accepted', 'arrived', 'resolved', 'closed']));
  });

  it('treats a retried action with the same id as one', async () => {
    const ticket = await forcedDoorTicket();
    const first = await inject('POST', `/api/tickets/${ticket.id}/comment`, { note: 'calling the resident', actionId: 'phone-7f3a-0001' });
    const again = await inject('POST', `/api/tickets/${ticket.id}/comment`, { note: 'calling the resident', actionId: 'phone-7f3a-0001' });
    expect(first.statusCode).toBe(200);
    expect(again.statusCode).toBe(200);
    const comments = (await inject('GET', `/api/tickets/${ticket.id}`)).json().timeline.filter((e: { action: string }) => e.action === 'commented');
    expect(comments).toHaveLength(1);
  });

  it('answers bad requests with 400 naming the field, and unknown things with 404', async () => {
    const ticket = await forcedDoorTicket();
    const badLimit = await inject('GET', '/api/tickets?limit=0');
    expect(badLimit.statusCode).toBe(400);
    expect(badLimit.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'querystring.limit' });
    const badState = await inject('GET', '/api/tickets?state=sleeping');
    expect(badState.json().field).toBe('querystring.state');
    const extra = await inject('POST', `/api/tickets/${ticket.id}/comment`, { note: 'x', colour: 'red' });
    expect(extra.statusCode).toBe(400);
    const noNote = await inject('POST', `/api/tickets/${ticket.id}/transfer`, { note: 'not ours' });
    expect(noNote.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'body.to' });
    const wrongAction = await inject('POST', `/api/tickets/${ticket.id}/explode`, {});
    expect(wrongAction.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'params.action' });
    expect((await inject('GET', '/api/tickets/T20990101-0001')).json()).toMatchObject({ code: 'OC_TICKET_NOT_FOUND' });
    const noActionId = await h.api.app.inject({ method: 'POST', url: `/api/tickets/${ticket.id}/acknowledge`, payload: {}, headers: { cookie: await h.signIn('desk') } });
    expect(noActionId.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'body.actionId' });
    const notSignedIn = await h.api.app.inject({ method: 'POST', url: `/api/tickets/${ticket.id}/acknowledge`, payload: { actionId: randomUUID() } });
    expect(notSignedIn.json()).toMatchObject({ code: 'OC_API_UNAUTHENTICATED' });
  });

  it('transfers to a partner department as a recorded action, and refuses one that does not exist', async () => {
    const ticket = await forcedDoorTicket();
    const unknown = await inject('POST', `/api/tickets/${ticket.id}/transfer`, { note: 'break-in suspected', to: { kind: 'department', departmentId: 'fbi' } });
    expect(unknown.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'body.to.departmentId' });
    const unknownStaff = await inject('POST', `/api/tickets/${ticket.id}/dispatch`, { staffId: 'ghost' });
    expect(unknownStaff.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: 'body.staffId' });
    const ok = await inject('POST', `/api/tickets/${ticket.id}/transfer`, { note: 'break-in suspected: police', to: { kind: 'department', departmentId: 'public-security' } });
    expect(ok.statusCode).toBe(200);
    expect(ok.json().ticket.assignment).toMatchObject({ kind: 'department', departmentId: 'public-security' });
    const timeline = (await inject('GET', `/api/tickets/${ticket.id}`)).json().timeline;
    expect(timeline.some((e: { action: string; note?: string }) => e.action === 'transferred' && e.note === 'break-in suspected: police')).toBe(true);
  });

  it('manages silences, and a silenced device opens no ticket', async () => {
    const endsAt = new Date(clock.now() + 3_600_000).toISOString();
    const bad = await inject('POST', '/api/silences', { matcher: {}, endsAt, reason: 'x' });
    expect(bad.json()).toMatchObject({ code: 'OC_SILENCE_INVALID', field: 'body.matcher' });
    const created = await inject('POST', '/api/silences', { matcher: { deviceId: 'dl8-b3-u2-door' }, endsAt, reason: 'door being replaced' });
    expect(created.statusCode).toBe(201);
    expect((await inject('GET', '/api/silences')).json().silences.map((s: { id: string }) => s.id)).toEqual([created.json().id]);

    // A silenced forced door, then an unsilenced one: only the second becomes a ticket.
    const other = h.ticketWhere((t) => t.subject.deviceId === 'dl8-b1-u1-door');
    await h.event('dl8-b3-u2-door', 'door.forced-open');
    await h.event('dl8-b1-u1-door', 'door.forced-open');
    await other;
    const tickets = (await inject('GET', '/api/tickets')).json().tickets.map((t: { subject: { deviceId: string } }) => t.subject.deviceId);
    expect(tickets).toEqual(['dl8-b1-u1-door']);
    expect(h.alerting.runtime.service.suppressedBySilence).toBe(1);

    expect((await inject('DELETE', `/api/silences/${created.json().id}`)).statusCode).toBe(204);
    expect((await inject('GET', '/api/silences')).json().silences).toEqual([]);
    // Ended, not forgotten: who silenced what, why, and until when stays on record.
    expect((await inject('GET', '/api/silences?all=true')).json().silences).toEqual([
      expect.objectContaining({ id: created.json().id, matcher: { deviceId: 'dl8-b3-u2-door' }, reason: 'door being replaced', createdBy: 'sun-li', endsAt: clock.now() }),
    ]);
    expect((await inject('DELETE', '/api/silences/nope')).statusCode).toBe(404);
  });

  it('opens the ticket of a condition that outlasted its silence, and none for one that cleared meanwhile', async () => {
    const endsAt = new Date(clock.now() + 3_600_000).toISOString();
    const silence = (await inject('POST', '/api/silences', { matcher: { compoundId: 'dl8', category: 'access-control' }, endsAt, reason: 'doors serviced' })).json();
    // Two doors held open while silenced; one closes again before the silence ends.
    const service = h.alerting.runtime.service;
    let handled = 0;
    const count = (n: number) => void (handled += n);
    service.changes.on('handled', count);
    await h.event('dl8-b3-u2-door', 'door.held-open', { openSeconds: 90 });
    await h.event('dl8-b1-u1-door', 'door.held-open', { openSeconds: 90 });
    await h.event('dl8-b1-u1-door', 'door.closed', { openSeconds: 120 });
    await until('the three door events handled', () => (handled >= 3 ? true : undefined));
    service.changes.off('handled', count);
    // A held-open alert becomes a ticket only 5 min after it began (its rule's `when`): by then one door has closed.
    // (Five silent minutes also make the harness's devices a mass outage: a device-fault ticket the silence does not cover.)
    clock.advance(5 * 60_000);
    service.tick();
    expect(service.suppressedBySilence).toBe(1);
    const doorTickets = async () => ((await inject('GET', '/api/tickets')).json().tickets as Array<{ category: string; subject: { deviceId: string }; alertType: string; id: string }>).filter((t) => t.category === 'access-control');
    expect(await doorTickets()).toEqual([]);
    // The desk sees what the silence is holding back: the door still open, not the one that closed.
    const [listed] = (await inject('GET', '/api/silences')).json().silences;
    expect(listed.holding).toEqual([
      { fingerprint: 'dl8/dl8-b3-u2-door/door.held-open', alertType: 'door.held-open', priority: 'P3', deviceId: 'dl8-b3-u2-door', firedAt: expect.any(Number), summary: { zh: expect.stringContaining('门长时间未关'), en: expect.stringContaining('door held open') } },
    ]);

    expect((await inject('DELETE', `/api/silences/${silence.id}`)).statusCode).toBe(204);
    clock.advance(5_000);
    service.tick();
    const tickets = await doorTickets();
    expect(tickets.map((t) => [t.subject.deviceId, t.alertType])).toEqual([['dl8-b3-u2-door', 'door.held-open']]);
    const opened = (await inject('GET', `/api/tickets/${tickets[0]!.id}`)).json().timeline[0];
    expect(opened).toMatchObject({ action: 'opened', data: { details: { heldBySilence: silence.id } } });
    // Released once: a later tick opens nothing more.
    service.tick();
    expect(await doorTickets()).toHaveLength(1);
  });

  it('shows the roster and who is on duty now', async () => {
    const duty = (await inject('GET', '/api/roster/on-duty')).json();
    expect(duty.supervisor.role).toBe('supervisor');
    const plumbing = duty.teams.find((t: { teamId: string }) => t.teamId === 'plumbing');
    expect(plumbing.onDuty.length).toBeGreaterThan(0);
    const roster = (await inject('GET', '/api/roster')).json();
    expect(roster.responsibilities.drainage).toEqual({ team: 'plumbing' });
    expect(roster.teams.map((t: { id: string }) => t.id)).toEqual(expect.arrayContaining(['duty-desk', 'plumbing', 'security']));
    expect(roster.staff.length).toBe(37);
  });

  it('says who is on duty at a given time, per team, with their open work', async () => {
    const ticket = await forcedDoorTicket();
    expect((await inject('POST', `/api/tickets/${ticket.id}/dispatch`, { staffId: 'chen-gang', teamId: 'security' })).statusCode).toBe(200);
    const noon = Date.parse('2026-07-15T12:00:00+08:00');
    const midnight = Date.parse('2026-07-15T23:30:00+08:00');
    const onDutyAt = async (at: number, teamId: string) => {
      const duty = (await inject('GET', `/api/roster/on-duty?at=${encodeURIComponent(new Date(at).toISOString())}`)).json();
      expect(duty.at).toBe(at);
      return duty.teams.find((t: { teamId: string }) => t.teamId === teamId).onDuty as Array<{ id: string; openWork: number }>;
    };
    // The roster's answer, through the API: plumbers work day and night shifts, so noon and midnight differ.
    const dayPlumbers = (await onDutyAt(noon, 'plumbing')).map((s) => s.id);
    const nightPlumbers = (await onDutyAt(midnight, 'plumbing')).map((s) => s.id);
    expect(dayPlumbers).toEqual(h.alerting.planner.onDuty(noon, 'plumbing').map((s) => s.id));
    expect(nightPlumbers).toEqual(h.alerting.planner.onDuty(midnight, 'plumbing').map((s) => s.id));
    expect(dayPlumbers.length).toBeGreaterThan(0);
    expect(nightPlumbers.filter((id) => dayPlumbers.includes(id))).toEqual([]);
    // Chen Gang's open work counts the ticket dispatched to him, at a time he is on duty (one day in three).
    const chenOnDuty = [0, 1, 2, 3, 4, 5, 6, 7, 8].map((k) => clock.now() + k * 8 * 3_600_000).find((at) => h.alerting.planner.onDuty(at, 'security').some((s) => s.id === 'chen-gang'))!;
    const guards = await onDutyAt(chenOnDuty, 'security');
    expect(guards.find((s) => s.id === 'chen-gang')).toMatchObject({ openWork: 1 });
    expect(guards.filter((s) => s.id !== 'chen-gang').map((s) => s.openWork)).toEqual(guards.slice(1).map(() => 0));
  });

  it('lists devices with live status from the log', async () => {
    const online = h.ticketWhere(() => true);
    await h.status('dl8-cam-01', 'online', 'connect');
    await h.event('dl8-b3-u2-door', 'door.forced-open');
    await online;
    const devices = (await inject('GET', '/api/devices')).json().devices;
    expect(devices).toHaveLength(54);
    expect(devices.find((d: { id: string }) => d.id === 'dl8-cam-01').status.state).toBe('online');
    expect(devices.find((d: { id: string }) => d.id === 'dl8-b3-u2-door').openTickets).toBe(1);
    expect(devices.find((d: { id: string }) => d.id === 'dl8-drain-m1').status.state).toBe('unknown');
  });

  it('serves an OpenAPI document covering the routes', async () => {
    const doc = (await inject('GET', '/api/openapi.json')).json();
    expect(doc.openapi).toMatch(/^3\./);
    expect(Object.keys(doc.paths)).toEqual(expect.arrayContaining(['/api/session', '/api/tickets', '/api/tickets/{id}', '/api/tickets/{id}/{action}', '/api/silences', '/api/silences/{id}', '/api/roster', '/api/roster/on-duty', '/api/devices', '/api/stream']));
    // Typed, not just listed: the filters, the action body, and what a ticket looks like.
    const list = doc.paths['/api/tickets'].get;
    expect(list.parameters.map((p: { name: string; in: string }) => `${p.in}.${p.name}`)).toEqual(expect.arrayContaining(['query.state', 'query.category', 'query.priority', 'query.compound', 'query.device', 'query.limit']));
    const ticket = list.responses['200'].content['application/json'].schema.properties.tickets.items;
    expect(ticket.properties.priority.enum).toEqual(['P1', 'P2', 'P3', 'P4']);
    expect(ticket.properties.state.enum).toEqual(['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'closed', 'cancelled']);
    expect(ticket.properties.subject.required).toEqual(['communityId', 'compoundId']);
    const action = doc.paths['/api/tickets/{id}/{action}'].post;
    expect(action.requestBody.content['application/json'].schema.required).toEqual(['actionId']);
    expect(action.responses['409'].content['application/json'].schema.properties).toHaveProperty('currentState');
    const detail = doc.paths['/api/tickets/{id}'].get.responses['200'].content['application/json'].schema;
    expect(detail.properties.timeline.items.properties.action.enum).toContain('acknowledged');
    expect(doc.paths['/api/silences'].post.requestBody.content['application/json'].schema.required).toEqual(['matcher', 'endsAt', 'reason']);
    // What comes back is described too: a silence and a device with its live status.
    const silence = doc.paths['/api/silences'].get.responses['200'].content['application/json'].schema.properties.silences.items;
    expect(Object.keys(silence.properties)).toEqual(['id', 'matcher', 'startsAt', 'endsAt', 'createdBy', 'reason', 'holding']);
    const device = doc.paths['/api/devices'].get.responses['200'].content['application/json'].schema.properties.devices.items;
    expect(device.properties.status.properties.state.enum).toEqual(['online', 'offline', 'unknown']);
    expect(device.properties).toHaveProperty('openTickets');
    // The sign-in's answers are on every route they can come from: 401 unless public, 403 where a role is turned away.
    expect(Object.keys(doc.paths['/api/tickets'].get.responses)).toEqual(expect.arrayContaining(['200', '400', '401']));
    expect(doc.paths['/api/tickets'].get.responses).not.toHaveProperty('403');
    expect(Object.keys(doc.paths['/api/roster/on-duty'].get.responses)).toEqual(expect.arrayContaining(['200', '401', '403']));
    expect(doc.paths['/api/silences'].get.responses['403'].content['application/json'].schema.properties).toHaveProperty('code');
    expect(doc.paths['/api/session'].post.responses).not.toHaveProperty('403');
  });
});

describe('alerting API live stream', () => {
  it('pushes a new ticket to a connected page as a server-sent event', async () => {
    const base = await h.api.app.listen({ host: '127.0.0.1', port: 0 });
    const res = await fetch(`${base}/api/stream`, { headers: { cookie: await h.signIn('desk') } });
    expect(res.headers.get('content-type')).toMatch(/text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let text = '';
    const ticketEvent = (async () => {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) throw new Error('stream ended');
        text += decoder.decode(value, { stream: true });
        const block = text.split('\n\n').find((b) => b.includes('event: ticket'));
        if (block) return JSON.parse(block.split('\n').find((l) => l.startsWith('data: '))!.slice(6));
      }
    })();
    await h.event('dl8-b2-u1-door', 'door.forced-open');
    const event = await ticketEvent;
    expect(event.ticket).toMatchObject({ alertType: 'door.forced-open', subject: { deviceId: 'dl8-b2-u1-door' } });
    expect(event.entries[0].action).toBe('opened');
    await reader.cancel();
  });
});
