import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { deviceTopic } from '../../../services/shared/topics.ts';
import { PlatformProcess } from '../../support/platform-process.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { connectDevice } from '../../support/device-client.ts';

/**
 * Issue 17's "Done when", against the real platform (services/main.ts, real HTTP, real MQTT,
 * the SQLite log and stores): a device added through the API while the system runs connects
 * with the returned secret, gets its retained config, opens a ticket with its first event
 * (alerting learnt it from oc.config), and once revoked is cut off and refused. After a
 * restart on the same data dir the store still holds the device, revoked, and the audit.
 */
let dir: string | undefined;
let platform: PlatformProcess | undefined;
const clients: MqttClient[] = [];
afterEach(() => {
  for (const c of clients) c.end(true);
  platform?.kill();
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
  platform = undefined;
});

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several routes, checked field by field below
type Body = Record<string, any>;

class Http {
  constructor(
    private readonly base: string,
    private readonly cookie = '',
  ) {}

  static async signIn(base: string, login: string): Promise<Http> {
    const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: `${login}-demo` }) });
    expect(res.status, `sign-in of ${login}`).toBe(200);
    const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oc_session='))!.split(';')[0]!;
    return new Http(base, cookie);
  }

  async call(method: string, path: string, body?: unknown): Promise<{ status: number; json: Body }> {
    const res = await fetch(`${this.base}${path}`, {
      method,
      headers: { cookie: this.cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
      ...(body === undefined ? {} : { body: JSON.stringify(body) }),
    });
    return { status: res.status, json: (await res.json()) as Body };
  }
}

function connect(port: number, deviceId: string, secret: string): Promise<MqttClient> {
  return connectDevice(`mqtt://127.0.0.1:${port}`, deviceId, secret, clients, { connectTimeout: 20_000 });
}

it('adds a device while running: it connects, gets its config, opens a ticket, and is cut off and refused once revoked; all of it survives a restart', { timeout: 180_000 }, async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-live-provisioning-'));
  platform = PlatformProcess.start({ OC_DATA_DIR: dir, OC_SIMULATE: 'false' });
  const ports = await platform.started();
  const base = `http://127.0.0.1:${ports.http}`;
  const admin = await Http.signIn(base, 'admin');
  const desk = await Http.signIn(base, 'desk');
  const deviceId = 'dl8-b1-u1-door2';

  // Admin routes are for the admin only.
  expect((await new Http(base).call('POST', '/api/devices', { deviceId, kind: 'door', placeId: 'b1-u1' })).status).toBe(401);
  const forbidden = await desk.call('POST', '/api/devices', { deviceId, kind: 'door', placeId: 'b1-u1' });
  expect([forbidden.status, forbidden.json.code]).toEqual([403, 'OC_API_FORBIDDEN']);

  const created = await admin.call('POST', '/api/devices', { deviceId, kind: 'door', placeId: 'b1-u1', settings: { heldOpenAfterS: 90 } });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const secret = created.json.secret as string;
  expect(secret.length).toBeGreaterThanOrEqual(40);

  const client = await connect(ports.mqtt, deviceId, secret);
  const retained = await new Promise<Record<string, unknown>>((resolve) => {
    client.on('message', (topic, payload) => {
      if (topic === deviceTopic(deviceId, 'config') && payload.length > 0) resolve(JSON.parse(payload.toString()) as Record<string, unknown>);
    });
    client.subscribe(deviceTopic(deviceId, 'config'), { qos: 1 });
  });
  expect(retained).toMatchObject({ v: 1, deviceId, placeId: 'b1-u1', heldOpenAfterS: 90 });

  const envelope = { v: 1, id: `${deviceId}-1`, deviceId, kind: 'door', type: 'door.forced-open', ts: new Date().toISOString(), seq: 1, data: { reason: 'opened-without-grant' } };
  await client.publishAsync(deviceTopic(deviceId, 'event'), JSON.stringify(envelope), { qos: 1 });
  const ticket = await pollUntil('a ticket for the new device', async () => {
    const { json } = await desk.call('GET', '/api/tickets');
    return (json.tickets as { id: string; alertType: string; subject: { deviceId?: string } }[]).find((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  });
  expect(ticket.id).toBeTruthy();

  const closedAt = new Promise<number>((resolve) => client.once('close', () => resolve(Date.now())));
  const revokedAt = Date.now();
  const revoked = await admin.call('POST', `/api/devices/${deviceId}/revoke`);
  expect([revoked.status, revoked.json.state]).toEqual([200, 'revoked']);
  expect((await closedAt) - revokedAt).toBeLessThan(1000);
  await expect(connect(ports.mqtt, deviceId, secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
  const rotate = await admin.call('POST', `/api/devices/${deviceId}/rotate`);
  expect([rotate.status, rotate.json.code]).toEqual([409, 'OC_DEVICE_REVOKED']);

  const audit = await admin.call('GET', `/api/audit?kind=device&id=${deviceId}`);
  expect(audit.json.entries.map((e: { op: string; actor: string }) => `${e.op} by ${e.actor}`)).toEqual(['update by admin', 'create by admin']);
  expect(JSON.stringify(audit.json)).not.toContain(secret);

  // Restart on the same data dir: the store, not the fixture, is what runs now.
  expect(await platform.stop()).toBe(0);
  platform = PlatformProcess.start({ OC_DATA_DIR: dir, OC_SIMULATE: 'false' });
  const again = await platform.started();
  const admin2 = await Http.signIn(`http://127.0.0.1:${again.http}`, 'admin');
  const devices = (await admin2.call('GET', '/api/admin/devices')).json.devices as { deviceId: string; state: string }[];
  expect(devices.find((d) => d.deviceId === deviceId)).toMatchObject({ state: 'revoked' });
  expect((await admin2.call('GET', `/api/audit?id=${deviceId}`)).json.entries).toHaveLength(2);
  await expect(connect(again.mqtt, deviceId, secret)).rejects.toThrow(/Bad username or password|Not authorized/i);
  expect(await platform.stop()).toBe(0);
});
