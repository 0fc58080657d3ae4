import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ManualClock } from '../../../services/shared/clock.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { AdminStack } from '../../support/admin-stack.ts';
import { ApiUser } from '../../support/api-user.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * People, roster, rules, places and export/import through the API over the real stack
 * (SQLite log and stores, alerting and the API following oc.config): who may call them,
 * each bad input with its catalogue code, a disabled guard signed out and their dispatch
 * back with the desk, a roster gap accepted with a warning, concurrent edits refused with
 * the current version.
 */
let s: AdminStack;
let cookie: string;
const clock = new ManualClock(Date.UTC(2026, 11, 7, 2, 0)); // 10:00 in Jinan

beforeAll(async () => {
  s = await AdminStack.start(clock);
  cookie = (await ApiUser.signIn(s.api.app, 'admin')).cookie;
});
afterAll(async () => s.close());

type Method = 'GET' | 'POST' | 'PATCH' | 'PUT' | 'DELETE';
const call = (method: Method, url: string, payload?: object | string, as = cookie, type?: string): Promise<LightMyRequestResponse> =>
  s.api.app.inject({ method, url, headers: { cookie: as, ...(type ? { 'content-type': type } : {}) }, ...(payload === undefined ? {} : { payload }) });
const body = (res: LightMyRequestResponse) => res.json() as Record<string, unknown> & { code?: string; field?: string; currentVersion?: number; message?: string };
const rosterVersion = async () => (body(await call('GET', '/api/people')) as { version: number }).version;

describe('who reaches the part-B admin routes', () => {
  it('answers 403 to operator, manager and staff users and 401 to nobody signed in', async () => {
    const routes: [Method, string, object | undefined][] = [
      ['GET', '/api/people', undefined],
      ['POST', '/api/people', { version: 1 }],
      ['PATCH', '/api/people/chen-gang', { version: 1 }],
      ['GET', '/api/roster/week', undefined],
      ['PUT', '/api/roster/shifts/day-night', { version: 1 }],
      ['POST', '/api/roster/swap', { version: 1 }],
      ['GET', '/api/rules', undefined],
      ['PUT', '/api/rules/compounds/dl8', { version: 1, settings: {} }],
      ['PUT', '/api/rules/sla', { version: 1, policy: {} }],
      ['GET', '/api/places', undefined],
      ['POST', '/api/places', { type: 'gate' }],
      ['PATCH', '/api/places/b1-u1', { version: 1 }],
      ['GET', '/api/config/export', undefined],
    ];
    for (const login of ['desk', 'manager', 'guard']) {
      const user = await ApiUser.signIn(s.api.app, login);
      for (const [method, url, payload] of routes) {
        const res = await call(method, url, payload, user.cookie);
        expect({ login, url, status: res.statusCode, code: body(res).code }).toEqual({ login, url, status: 403, code: 'OC_API_FORBIDDEN' });
      }
    }
    const anonymous = await s.api.app.inject({ method: 'GET', url: '/api/people' });
    expect(anonymous.statusCode).toBe(401);
  });
});

describe('people', () => {
  it('adds a person with a login, who can sign in at once; an unknown team is refused with its code', async () => {
    const version = await rosterVersion();
    const refused = await call('POST', '/api/people', { version, id: 'wang-yong', name: { zh: '王勇', en: 'Wang Yong' }, teamId: 'guards', role: 'staff', scheduleId: 'rota-24h', crew: 'b' });
    expect([refused.statusCode, body(refused).code, body(refused).field]).toEqual([400, 'OC_PEOPLE_UNKNOWN_TEAM', 'body.teamId']);
    const res = await call('POST', '/api/people', {
      version,
      id: 'wang-yong',
      name: { zh: '王勇', en: 'Wang Yong' },
      teamId: 'security',
      role: 'staff',
      scheduleId: 'rota-24h',
      crew: 'b',
      phone: '139-0000-0299',
      email: 'wang.yong@example.com',
      login: { login: 'wang-yong', role: 'staff', password: 'wang-yong-password' },
    });
    expect(res.statusCode).toBe(201);
    expect(body(res)).toMatchObject({ person: { id: 'wang-yong', disabled: false, login: { login: 'wang-yong', role: 'staff' } }, version: version + 1, warnings: [] });
    await ApiUser.signIn(s.api.app, 'wang-yong', 'wang-yong-password');
    // The audit has the person, never the password.
    const audit = JSON.stringify(s.booted.config.store.audit({ kind: 'person', id: 'wang-yong', limit: 1 }));
    expect(audit).not.toContain('wang-yong-password');
    expect(audit).toContain('[redacted]');
  });

  it('concurrent edits: the second, on the old version, gets 409 with the current version', async () => {
    const version = await rosterVersion();
    const first = await call('PATCH', '/api/people/shen-tao', { version, email: 'shen.tao@example.com' });
    expect(first.statusCode).toBe(200);
    const second = await call('PATCH', '/api/people/shen-tao', { version, phone: '139-0000-1111' });
    expect([second.statusCode, body(second).code, body(second).currentVersion]).toEqual([409, 'OC_CONFIG_VERSION_CONFLICT', version + 1]);
  });

  it('a disabled guard is signed out, out of dispatch, and their open dispatch is back with the desk', async () => {
    const door = 'dl8-b3-u2-door';
    await s.log.append(LOG_TOPICS.events, [{ key: door, value: JSON.stringify({ v: 1, id: `${door}-forced`, deviceId: door, kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: 0, data: {} }) }]);
    const ticket = await pollUntil('the forced-door ticket', () => s.alerting.store.listTickets({}).find((t) => t.subject.deviceId === door));
    const dispatched = s.alerting.runtime.service.command(ticket.id, { type: 'dispatch', actor: { kind: 'person', id: 'sun-li', role: 'operator' }, staffId: 'chen-gang' });
    expect(dispatched.ok).toBe(true);
    const guard = await ApiUser.signIn(s.api.app, 'guard');
    expect((await guard.get('/api/tickets')).statusCode).toBe(200);

    const res = await call('PATCH', '/api/people/chen-gang', { version: await rosterVersion(), disabled: true });
    expect(res.statusCode).toBe(200);
    expect(body(res)).toMatchObject({ person: { id: 'chen-gang', disabled: true }, returnedToDesk: [ticket.id] });
    expect((await guard.get('/api/tickets')).statusCode).toBe(401);
    await expect(ApiUser.signIn(s.api.app, 'guard')).rejects.toThrow(/401/);
    const back = s.alerting.store.getTicket(ticket.id)!;
    expect(back.ticket.state).toBe('acknowledged');
    expect(back.timeline.at(-1)).toMatchObject({ action: 'returned-to-desk', data: { staffId: 'chen-gang' } });
    expect(s.alerting.planner.onDuty(clock.now()).map((m) => m.id)).not.toContain('chen-gang');
    // Enabled again: on the roster and able to sign in.
    expect((await call('PATCH', '/api/people/chen-gang', { version: await rosterVersion(), disabled: false })).statusCode).toBe(200);
    await ApiUser.signIn(s.api.app, 'guard');
  });

  it('a roster edit through the API changes whom the desk\'s Dispatch picks next, without a restart', async () => {
    const desk = await ApiUser.signIn(s.api.app, 'desk');
    const forced = async (door: string) => {
      await s.log.append(LOG_TOPICS.events, [{ key: door, value: JSON.stringify({ v: 1, id: `${door}-forced-2`, deviceId: door, kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: 1, data: {} }) }]);
      const ticket = await pollUntil(`the forced-door ticket of ${door}`, () => s.alerting.store.listTickets({}).find((t) => t.subject.deviceId === door));
      const res = await desk.post(`/api/tickets/${ticket.id}/dispatch`, { actionId: `dispatch-${door}` });
      expect(res.statusCode).toBe(200);
      const t = s.alerting.store.getTicket(ticket.id)!.ticket;
      return { id: ticket.id, guard: t.assignment?.kind === 'staff' ? t.assignment.staffId : undefined };
    };
    const first = await forced('dl8-b4-u1-door');
    expect(first.guard).toBeDefined();
    await desk.post(`/api/tickets/${first.id}/cancel`, { actionId: `cancel-${first.id}`, note: 'test: free the guard again' });
    // The admin moves that guard to another crew: off duty now.
    const member = s.alerting.planner.staff(first.guard!)!;
    const otherCrew = ['a', 'b', 'c'].find((c) => c !== member.crew)!;
    expect((await call('PATCH', `/api/people/${first.guard}`, { version: await rosterVersion(), crew: otherCrew })).statusCode).toBe(200);
    const second = await forced('dl8-b4-u2-door');
    expect(second.guard).toBeDefined();
    expect(second.guard).not.toBe(first.guard);
    expect(s.alerting.planner.staff(second.guard!)?.teamId).toBe('security');
    await call('PATCH', `/api/people/${first.guard}`, { version: await rosterVersion(), crew: member.crew! });
  });

  it('disabling the manager is refused, naming the roster key', async () => {
    const res = await call('PATCH', '/api/people/liu-hongmei', { version: await rosterVersion(), disabled: true });
    expect([res.statusCode, body(res).code]).toEqual([400, 'OC_PEOPLE_INVALID']);
    expect(body(res).message).toMatch(/managerId/);
  });
});

describe('roster', () => {
  it('a roster that leaves an hour of the week without a guard is accepted with a warning', async () => {
    let version = await rosterVersion();
    for (const id of ['qi-wenbo']) {
      const res = await call('PATCH', `/api/people/${id}`, { version, disabled: true });
      expect(res.statusCode).toBe(200);
      expect(body(res).warnings).toEqual([expect.objectContaining({ code: 'roster.coverage-gap', teamId: 'iot' })]);
      version = body(res).version as number;
    }
    const week = body(await call('GET', '/api/roster/week'));
    expect(week.warnings).toEqual([expect.objectContaining({ teamId: 'iot' })]);
    expect((await call('PATCH', '/api/people/qi-wenbo', { version, disabled: false })).statusCode).toBe(200);
  });

  it('edits a shift pattern and swaps a shift; a bad handover names the key', async () => {
    const bad = await call('PUT', '/api/roster/shifts/day-night', { version: await rosterVersion(), handover: '25:00' });
    expect([bad.statusCode, body(bad).code, body(bad).field]).toEqual([400, 'OC_ROSTER_INVALID', 'body.handover']);
    const unknown = await call('PUT', '/api/roster/shifts/nights', { version: await rosterVersion(), handover: '07:00' });
    expect([unknown.statusCode, body(unknown).code]).toEqual([404, 'OC_ROSTER_UNKNOWN_SCHEDULE']);
    const now = clock.now();
    const on = s.alerting.planner.onDuty(now, 'plumbing').map((m) => m.id);
    const off = s.alerting.planner.roster.staff.find((m) => m.teamId === 'plumbing' && !on.includes(m.id))!.id;
    const shiftStart = (body(await call('GET', '/api/roster/week')).shifts as { scheduleId: string; startsAt: number; endsAt: number; shiftStart: string }[]).find((x) => x.scheduleId === 'day-night' && x.startsAt <= now && now < x.endsAt)!.shiftStart;
    const swapped = await call('POST', '/api/roster/swap', { version: await rosterVersion(), scheduleId: 'day-night', shiftStart, off: on[0], on: off });
    expect(swapped.statusCode).toBe(201);
    expect(s.alerting.planner.onDuty(now, 'plumbing').map((m) => m.id)).toEqual([...on.slice(1), off]);
  });
});

describe('rules and settings', () => {
  it('a setting out of range and an unknown setting are refused with their codes, naming the key', async () => {
    const { rules } = body(await call('GET', '/api/rules')) as { rules: { version: number } };
    const out = await call('PUT', '/api/rules/compounds/dl8', { version: rules.version, settings: { drain: { criticalPct: 140 } } });
    expect([out.statusCode, body(out).code, body(out).field]).toEqual([400, 'OC_RULES_OUT_OF_RANGE', 'body.drain.criticalPct']);
    const unknown = await call('PUT', '/api/rules/compounds/dl8', { version: rules.version, settings: { drain: { criticalPercent: 90 } } });
    expect([unknown.statusCode, body(unknown).code, body(unknown).field]).toEqual([400, 'OC_RULES_UNKNOWN_SETTING', 'body.drain.criticalPercent']);
    const sla = await call('PUT', '/api/rules/sla', { version: 1, policy: { sla: { byPriority: { P1: { arriveMs: 1 } } } } });
    expect([sla.statusCode, body(sla).code]).toEqual([400, 'OC_RULES_OUT_OF_RANGE']);
  });

  it('a valid change is in force on return: the compound\'s quiet hours and grouping', async () => {
    const { rules } = body(await call('GET', '/api/rules')) as { rules: { version: number } };
    const res = await call('PUT', '/api/rules/compounds/dl8', { version: rules.version, settings: { massOutage: { minShare: 0.4 }, camera: { quietHours: { from: '23:00', to: '05:00' } } } });
    expect(res.statusCode).toBe(200);
    const view = body(await call('GET', '/api/rules')) as { rules: { effective: Record<string, { massOutage: { minShare: number }; camera: { quietHours: object } }> } };
    expect(view.rules.effective.dl8!.massOutage.minShare).toBe(0.4);
    expect(view.rules.effective.dl8!.camera.quietHours).toEqual({ from: '23:00', to: '05:00' });
  });
});

describe('places', () => {
  it('adds a unit with households and renters; an unknown building is refused with its code', async () => {
    const unknown = await call('POST', '/api/places', { type: 'entrance', buildingId: 'b9', id: 'b9-u1', name: { zh: '1单元', en: 'Unit 1' }, households: 12 });
    expect([unknown.statusCode, body(unknown).code, body(unknown).field]).toEqual([400, 'OC_PLACE_UNKNOWN_PARENT', 'body.buildingId']);
    const res = await call('POST', '/api/places', { type: 'entrance', buildingId: 'b3', id: 'b3-u6', name: { zh: '6单元', en: 'Unit 6' }, households: 12, renters: 4, plan: { x: 219, y: 30 } });
    expect(res.statusCode).toBe(201);
    const place = (body(await call('GET', '/api/places')).places as { id: string; version: number; households: number; renters: number; buildingId: string }[]).find((p) => p.id === 'b3-u6')!;
    expect(place).toMatchObject({ buildingId: 'b3', households: 12, renters: 4, version: 1 });
    const patched = await call('PATCH', '/api/places/b3-u6', { version: place.version, renters: 20 });
    expect([patched.statusCode, body(patched).code, body(patched).field]).toEqual([400, 'OC_PLACE_INVALID', 'body.renters']);
  });
});

describe('export and import', () => {
  it('exports the fixture shape with no secret in clear, and imports it back unchanged', async () => {
    const exported = await call('GET', '/api/config/export');
    expect(exported.statusCode).toBe(200);
    expect(exported.headers['content-type']).toMatch(/yaml/);
    const doc = parse(exported.body) as Record<string, unknown>;
    expect(Object.keys(doc)).toEqual(['version', 'site', 'roster', 'rules', 'tickets', 'users']);
    expect(exported.body).not.toMatch(/secretHash|keyHash|password:/);
    const imported = await call('POST', '/api/config/import', exported.body, cookie, 'application/yaml');
    expect([imported.statusCode, body(imported).changed]).toEqual([200, 0]);
    const broken = await call('POST', '/api/config/import', exported.body.replace('teamId: security', 'teamId: securty'), cookie, 'application/yaml');
    expect([broken.statusCode, body(broken).code]).toEqual([400, 'OC_CONFIG_IMPORT_INVALID']);
    expect(body(broken).message).toMatch(/roster: staff\.\d+\.teamId: unknown team 'securty'/);
  });
});
