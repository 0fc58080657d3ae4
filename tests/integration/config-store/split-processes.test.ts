/**
 * The split deployment (`npm run gateway` and `npm run alerting` as two processes on one
 * OC_DATA_DIR) runs on the config store like `npm start`: both start on a new data dir at
 * once (one seeds it from the fixture, the other runs on what it wrote), an admin adds a
 * device through the alerting process's API, and the gateway process lets the device in
 * with the returned secret and hands it its retained config (and the changed one after a
 * settings change), without a restart; its first
 * event opens a ticket; once revoked, the gateway cuts it off and refuses it.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { MqttClient } from 'mqtt';
import { afterEach, expect, it } from 'vitest';
import { deviceTopic } from '../../../services/shared/topics.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { connectDevice } from '../../support/device-client.ts';

let dir: string | undefined;
const children: ChildProcess[] = [];
const clients: MqttClient[] = [];
afterEach(() => {
  for (const c of clients.splice(0)) c.end(true);
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

/** A CLI as a child process, its JSON log lines kept so the test can wait for one. */
function startCli(script: string, env: Record<string, string>): { proc: ChildProcess; line: (msg: string) => Promise<Record<string, unknown>> } {
  const proc = spawn(process.execPath, ['--import', 'tsx', script], { cwd: REPO_ROOT, env: { ...process.env, OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', ...env }, stdio: ['ignore', 'pipe', 'inherit'] });
  children.push(proc);
  let text = '';
  proc.stdout!.on('data', (chunk: Buffer) => (text += chunk.toString()));
  const line = (msg: string) =>
    pollUntil(`"${msg}" from ${script}`, () => {
      if (proc.exitCode !== null) throw new Error(`${script} exited with ${proc.exitCode}:\n${text.slice(-3000)}`);
      const found = text.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
      return found ? (JSON.parse(found) as Record<string, unknown>) : undefined;
    }, { timeoutMs: 60_000 });
  return { proc, line };
}

function stop(proc: ChildProcess): Promise<number | null> {
  if (proc.exitCode !== null) return Promise.resolve(proc.exitCode);
  const exited = new Promise<number | null>((resolve) => proc.once('exit', (code) => resolve(code)));
  proc.kill('SIGTERM');
  return exited;
}

// eslint-disable-next-line @typescript-eslint/no-explicit-any -- response bodies of several routes, checked field by field below
type Body = Record<string, any>;

async function signIn(base: string, login: string): Promise<(method: string, path: string, body?: unknown) => Promise<{ status: number; json: Body }>> {
  const res = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login, password: `${login}-demo` }) });
  expect(res.status, `sign-in of ${login}`).toBe(200);
  const cookie = res.headers.getSetCookie().find((c) => c.startsWith('oc_session='))!.split(';')[0]!;
  return async (method, path, body) => {
    const r = await fetch(`${base}${path}`, { method, headers: { cookie, ...(body === undefined ? {} : { 'content-type': 'application/json' }) }, ...(body === undefined ? {} : { body: JSON.stringify(body) }) });
    return { status: r.status, json: (await r.json()) as Body };
  };
}

function connect(port: number, deviceId: string, secret: string): Promise<MqttClient> {
  return connectDevice(`mqtt://127.0.0.1:${port}`, deviceId, secret, clients, { connectTimeout: 20_000 });
}

it('gateway and alerting as two processes on one data dir follow a device added through the API, live', { timeout: 180_000 }, async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-split-processes-'));
  const env = { OC_DATA_DIR: dir, OC_MQTT_PORT: '0', OC_HTTP_HOST: '127.0.0.1', OC_HTTP_PORT: '0' };
  // Both at once on a new data dir: exactly one of them seeds the config store.
  const gateway = startCli('services/gateway/cli.ts', env);
  const alerting = startCli('services/alerting/cli.ts', env);
  const mqttPort = (await gateway.line('gateway listening')).port as number;
  const httpPort = (await alerting.line('alerting API listening')).port as number;
  expect(httpPort).toBeGreaterThan(0);
  const base = `http://127.0.0.1:${httpPort}`;
  const admin = await signIn(base, 'admin');
  const desk = await signIn(base, 'desk');
  const deviceId = 'dl8-b1-u1-door2';

  const created = await admin('POST', '/api/devices', { deviceId, kind: 'door', placeId: 'b1-u1', settings: { heldOpenAfterS: 75 } });
  expect(created.status, JSON.stringify(created.json)).toBe(201);
  const secret = created.json.secret as string;

  // The gateway applies oc.config in its own process: the device gets in once it has.
  const client = await pollUntil('the gateway process lets the new device in', () => connect(mqttPort, deviceId, secret).catch(() => undefined), { timeoutMs: 30_000, intervalMs: 100 });
  const configs: Record<string, unknown>[] = [];
  client.on('message', (topic, payload) => {
    if (topic === deviceTopic(deviceId, 'config') && payload.length > 0) configs.push(JSON.parse(payload.toString()) as Record<string, unknown>);
  });
  client.subscribe(deviceTopic(deviceId, 'config'), { qos: 1 });
  expect(await pollUntil('the retained config from the gateway process', () => configs[0])).toMatchObject({ deviceId, placeId: 'b1-u1', heldOpenAfterS: 75 });

  // A settings change made through the alerting process reaches the device as its new config, from the gateway process.
  const patched = await admin('PATCH', `/api/devices/${deviceId}`, { version: created.json.version, settings: { heldOpenAfterS: 120 } });
  expect(patched.status, JSON.stringify(patched.json)).toBe(200);
  expect(await pollUntil('the changed config from the gateway process', () => configs.find((c) => c.heldOpenAfterS === 120))).toMatchObject({ deviceId, placeId: 'b1-u1' });

  const envelope = { v: 1, id: `${deviceId}-1`, deviceId, kind: 'door', type: 'door.forced-open', ts: new Date().toISOString(), seq: 1, data: { reason: 'opened-without-grant' } };
  await client.publishAsync(deviceTopic(deviceId, 'event'), JSON.stringify(envelope), { qos: 1 });
  // Alerting, in the other process, learnt the device from oc.config and reads the gateway's records from the shared log.
  const ticket = await pollUntil('a ticket for the new device in the alerting process', async () => {
    const { json } = await desk('GET', '/api/tickets');
    return (json.tickets as { id: string; alertType: string; subject: { deviceId?: string } }[]).find((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  }, { timeoutMs: 30_000 });
  expect(ticket.id).toBeTruthy();

  const closed = new Promise<void>((resolve) => client.once('close', () => resolve()));
  const revoked = await admin('POST', `/api/devices/${deviceId}/revoke`);
  expect([revoked.status, revoked.json.state]).toEqual([200, 'revoked']);
  await closed;
  await expect(connect(mqttPort, deviceId, secret)).rejects.toThrow(/Bad username or password|Not authorized/i);

  expect(await stop(gateway.proc)).toBe(0);
  expect(await stop(alerting.proc)).toBe(0);
});
