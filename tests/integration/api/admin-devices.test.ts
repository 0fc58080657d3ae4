import type { LightMyRequestResponse } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { committedTicket } from '../../support/alerting-stack.ts';
import { AdminStack } from '../../support/admin-stack.ts';
import { ApiUser } from '../../support/api-user.ts';

/**
 * The admin routes of issue 17 over the real stack (SQLite log and stores, the gateway, alerting
 * and the API each following oc.config): who may call them, devices added and refused with their
 * catalogue codes, the CSV import's report, provisioning keys and the audit.
 */
let s: AdminStack;
let admin: ApiUser;
let cookie: string;
const clock = new ManualClock(Date.UTC(2026, 11, 7, 2, 0));

beforeAll(async () => {
  s = await AdminStack.start(clock);
  admin = await ApiUser.signIn(s.api.app, 'admin');
  cookie = admin.cookie;
});
afterAll(async () => s.close());

const call = (method: 'GET' | 'POST' | 'PATCH', url: string, payload?: object | string, type?: string): Promise<LightMyRequestResponse> =>
  s.api.app.inject({ method, url, headers: { cookie, ...(type ? { 'content-type': type } : {}) }, ...(payload === undefined ? {} : { payload }) });

const refusal = (res: LightMyRequestResponse) => ({ status: res.statusCode, code: (res.json() as { code: string }).code });

describe('who reaches the admin routes', () => {
  it('answers 403 to operator, manager and staff users and 401 to nobody signed in', async () => {
    const routes: [string, string, object][] = [
      ['POST', '/api/devices', { deviceId: 'dl8-x-door', kind: 'door', placeId: 'b1-u1' }],
      ['POST', '/api/devices/dl8-b1-u1-door/rotate', {}],
      ['POST', '/api/devices/dl8-b1-u1-door/revoke', {}],
      ['POST', '/api/provisioning-keys', { buildingId: 'b1' }],
      ['GET', '/api/audit', {}],
      ['GET', '/api/admin/devices', {}],
    ];
    for (const login of ['desk', 'manager', 'guard']) {
      const user = await ApiUser.signIn(s.api.app, login);
      for (const [method, url, payload] of routes) {
        const res = await s.api.app.inject({ method: method as 'GET', url, headers: { cookie: user.cookie }, ...(method === 'GET' ? {} : { payload }) });
        expect({ login, url, ...refusal(res) }).toEqual({ login, url, status: 403, code: 'OC_API_FORBIDDEN' });
      }
    }
    const anonymous = await s.api.app.inject({ method: 'POST', url: '/api/devices', payload: routes[0]![2] });
    expect(refusal(anonymous)).toEqual({ status: 401, code: 'OC_API_UNAUTHENTICATED' });
  });
});

describe('devices', () => {
  it('adds a device: 201 with a secret shown once, listed without its hash, known to the desk and to alerting at once', async () => {
    const res = await call('POST', '/api/devices', { deviceId: 'dl8-b2-u1-door2', kind: 'door', placeId: 'b2-u1', name: { zh: '2号楼1单元侧门', en: 'Building 2 Unit 1 side door' } });
    expect(res.statusCode).toBe(201);
    const { secret, version } = res.json() as { secret: string; version: number };
    expect(version).toBe(1);
    const listed = (await call('GET', '/api/admin/devices')).json().devices.find((d: { deviceId: string }) => d.deviceId === 'dl8-b2-u1-door2');
    expect(listed).toMatchObject({ kind: 'door', placeId: 'b2-u1', state: 'active', version: 1, updatedBy: 'admin' });
    expect(JSON.stringify(listed)).not.toMatch(/secretHash|sha256/);
    const desk = await ApiUser.signIn(s.api.app, 'desk');
    expect((await desk.get('/api/devices')).json().devices.map((d: { id: string }) => d.id)).toContain('dl8-b2-u1-door2');
    // Its first event opens a ticket: alerting learnt the device from oc.config.
    const opened = committedTicket(s.alerting, (t) => t.subject.deviceId === 'dl8-b2-u1-door2' && t.alertType === 'door.forced-open');
    const envelope = { v: 1, id: 'dl8-b2-u1-door2-1', deviceId: 'dl8-b2-u1-door2', kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: 1, data: { reason: 'opened-without-grant' } };
    await s.log.append(LOG_TOPICS.events, [{ key: 'dl8-b2-u1-door2', value: JSON.stringify(envelope) }]);
    expect((await opened).subject.placeId).toBe('b2-u1');
    expect(secret).toMatch(/^[A-Za-z0-9_-]{43}$/);
  });

  it('refuses bad devices, each with its code and field', async () => {
    const cases: [object, number, string, string?][] = [
      [{ deviceId: 'dl8-b1-u1-door', kind: 'door', placeId: 'b1-u1' }, 409, 'OC_DEVICE_DUPLICATE', 'body.deviceId'],
      [{ deviceId: 'dl8-nowhere-door', kind: 'door', placeId: 'b99-u1' }, 400, 'OC_DEVICE_UNKNOWN_PLACE', 'body.placeId'],
      [{ deviceId: 'dl8-b1-door', kind: 'door', placeId: 'b1' }, 400, 'OC_DEVICE_UNKNOWN_PLACE', 'body.placeId'],
      [{ deviceId: 'dl8-toaster', kind: 'toaster', placeId: 'b1-u1' }, 400, 'OC_DEVICE_KIND_INVALID', 'body.kind'],
      [{ deviceId: 'dl8-gate-drain', kind: 'drain', placeId: 'gate-n' }, 400, 'OC_DEVICE_KIND_INVALID', 'body.kind'],
      [{ deviceId: 'Bad Id!', kind: 'door', placeId: 'b1-u1' }, 400, 'OC_DEVICE_INVALID', 'body.deviceId'],
      [{ deviceId: 'dl8-no-place', kind: 'door' }, 400, 'OC_API_INVALID_REQUEST', 'body.placeId'],
    ];
    for (const [body, status, code, field] of cases) {
      const res = await call('POST', '/api/devices', body);
      expect({ body, status: res.statusCode, code: res.json().code, field: res.json().field }).toEqual({ body, status, code, field });
    }
  });

  it('refuses to rotate a revoked or unknown device', async () => {
    expect((await call('POST', '/api/devices', { deviceId: 'dl8-cam-gone', kind: 'camera', placeId: 'lane-1' })).statusCode).toBe(201);
    expect((await call('POST', '/api/devices/dl8-cam-gone/revoke')).json()).toMatchObject({ state: 'revoked', version: 2 });
    expect(refusal(await call('POST', '/api/devices/dl8-cam-gone/rotate'))).toEqual({ status: 409, code: 'OC_DEVICE_REVOKED' });
    expect(refusal(await call('POST', '/api/devices/dl8-cam-never/rotate'))).toEqual({ status: 404, code: 'OC_DEVICE_NOT_FOUND' });
  });

  it('answers a concurrent edit with 409 and the current version; the edit on it then goes through', async () => {
    const first = await call('PATCH', '/api/devices/dl8-cam-01', { version: 1, settings: { snapshotOnEvent: false } });
    expect(first.json()).toMatchObject({ version: 2, settings: { snapshotOnEvent: false } });
    const stale = await call('PATCH', '/api/devices/dl8-cam-01', { version: 1, placeId: 'lane-2' });
    expect(stale.statusCode).toBe(409);
    expect(stale.json()).toMatchObject({ code: 'OC_CONFIG_VERSION_CONFLICT', currentVersion: 2 });
    expect((await call('PATCH', '/api/devices/dl8-cam-01', { version: 2, placeId: 'lane-2' })).json()).toMatchObject({ version: 3, placeId: 'lane-2' });
    expect(refusal(await call('PATCH', '/api/devices/dl8-cam-01', { version: 3, placeId: 'b77-u1' }))).toEqual({ status: 400, code: 'OC_DEVICE_UNKNOWN_PLACE' });
  });
});

describe('CSV import', () => {
  it('adds the good rows and reports each refused one with its row and code', async () => {
    const csv = [
      'deviceId,kind,placeId,nameZh,nameEn,model',
      'dl8-b3-u1-door2,door,b3-u1,3号楼1单元侧门,Building 3 Unit 1 side door,DS-K1T',
      'dl8-b3-u1-door2,door,b3-u1,,,',
      'dl8-cam-b3,camera,b3-u9,,,',
      '"dl8-cam-lane3",camera,lane-3,"巷道3, 东","Lane 3, east",',
      'dl8-b3-x,fridge,b3-u1,,,',
      'dl8-b3-y,door,b3-u1,only chinese,,',
    ].join('\r\n');
    const res = await call('POST', '/api/devices/import', csv, 'text/csv');
    expect(res.statusCode).toBe(200);
    const report = res.json() as { created: { row: number; deviceId: string; secret: string }[]; refused: { row: number; deviceId: string; code: string }[] };
    expect(report.created.map((c) => [c.row, c.deviceId])).toEqual([
      [2, 'dl8-b3-u1-door2'],
      [5, 'dl8-cam-lane3'],
    ]);
    expect(report.created.every((c) => c.secret.length === 43)).toBe(true);
    expect(report.refused.map((r) => [r.row, r.code])).toEqual([
      [3, 'OC_DEVICE_DUPLICATE'],
      [4, 'OC_DEVICE_UNKNOWN_PLACE'],
      [6, 'OC_DEVICE_KIND_INVALID'],
      [7, 'OC_DEVICE_INVALID'],
    ]);
    const lane3 = (await call('GET', '/api/admin/devices')).json().devices.find((d: { deviceId: string }) => d.deviceId === 'dl8-cam-lane3');
    expect(lane3.name).toEqual({ zh: '巷道3, 东', en: 'Lane 3, east' });
  });

  it('refuses a file whose header lacks a required column', async () => {
    expect(refusal(await call('POST', '/api/devices/import', 'deviceId,kind\ndl8-q,door\n', 'text/csv'))).toEqual({ status: 400, code: 'OC_DEVICE_IMPORT_INVALID' });
    expect(refusal(await call('POST', '/api/devices/import', 'deviceId,kind,placeId,colour\n', 'text/csv'))).toEqual({ status: 400, code: 'OC_DEVICE_IMPORT_INVALID' });
  });
});

describe('provisioning keys', () => {
  it('lets one device of the building claim its credentials once, then the key is spent', async () => {
    const issued = await call('POST', '/api/provisioning-keys', { buildingId: 'b4' });
    expect(issued.statusCode).toBe(201);
    const { key } = issued.json() as { key: string };
    const claim = (body: object) => s.api.app.inject({ method: 'POST', url: '/api/provision', payload: { key, kind: 'door', ...body } });
    // A place outside the key's building is refused and does not spend the key.
    expect(refusal(await claim({ deviceId: 'dl8-b1-u2-door2', placeId: 'b1-u2' }))).toEqual({ status: 403, code: 'OC_PROVISIONING_KEY_INVALID' });
    const ok = await claim({ deviceId: 'dl8-b4-u1-door2', placeId: 'b4-u1' });
    expect(ok.statusCode).toBe(201);
    expect(ok.json()).toMatchObject({ deviceId: 'dl8-b4-u1-door2', version: 1 });
    expect(refusal(await claim({ deviceId: 'dl8-b4-u2-door2', placeId: 'b4-u2' }))).toEqual({ status: 410, code: 'OC_PROVISIONING_KEY_SPENT' });
    const forged = await s.api.app.inject({ method: 'POST', url: '/api/provision', payload: { key: `${key.split('.')[0]}.not-the-secret`, deviceId: 'dl8-b4-u3-door2', kind: 'door', placeId: 'b4-u1' } });
    expect(refusal(forged)).toEqual({ status: 403, code: 'OC_PROVISIONING_KEY_INVALID' });
    const audit = (await call('GET', '/api/audit?id=dl8-b4-u1-door2')).json().entries;
    expect(audit[0]).toMatchObject({ actor: 'device:dl8-b4-u1-door2', op: 'create' });
    expect(refusal(await call('POST', '/api/provisioning-keys', { buildingId: 'b1-u1' }))).toEqual({ status: 400, code: 'OC_DEVICE_UNKNOWN_PLACE' });
  });
});

describe('audit', () => {
  it('shows who changed what, from where, filterable, and never a secret', async () => {
    clock.advance(60_000);
    const since = new Date(clock.now()).toISOString();
    const created = (await call('POST', '/api/devices', { deviceId: 'dl8-cam-audit', kind: 'camera', placeId: 'lane-4' })).json() as { secret: string };
    const rotated = (await call('POST', '/api/devices/dl8-cam-audit/rotate')).json() as { secret: string };
    const entries = (await call('GET', `/api/audit?kind=device&id=dl8-cam-audit`)).json().entries as { op: string; actor: string; address: string; before: { secretHash?: string; secretRotation?: number }; after: { secretHash?: string; secretRotation?: number } }[];
    expect(entries.map((e) => e.op)).toEqual(['update', 'create']);
    expect(entries[0]).toMatchObject({ actor: 'admin', address: '127.0.0.1', before: { secretHash: '[redacted]', secretRotation: 0 }, after: { secretHash: '[redacted]', secretRotation: 1 } });
    const everything = (await call('GET', '/api/audit?limit=500')).body;
    for (const secret of [created.secret, rotated.secret]) expect(everything).not.toContain(secret);
    expect(everything).not.toMatch(/sha256\$|scrypt\$/);
    const recent = (await call('GET', `/api/audit?actor=admin&since=${encodeURIComponent(since)}`)).json().entries as { id: string }[];
    expect(recent.map((e) => e.id)).toEqual(['dl8-cam-audit', 'dl8-cam-audit']);
    expect((await call('GET', '/api/audit?actor=system:seed&kind=site')).json().entries).toHaveLength(1);
    expect(refusal(await call('GET', '/api/audit?kind=toaster'))).toEqual({ status: 400, code: 'OC_API_INVALID_REQUEST' });
  });
});
