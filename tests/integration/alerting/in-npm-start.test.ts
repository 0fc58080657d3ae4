/**
 * The alerting service inside `npm start` (services/main.ts in its own process, on the
 * embedded log and store): the forced-door scenario is simulated, goes through the
 * process's own gateway and log, and comes out as a ticket and as live device status
 * on the process's API. `npm run alerting` on its own is covered by the kill-restart
 * test (embedded log) and tests/infra/kafka-alerting-kill.test.ts (Kafka).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { until } from '../../support/api-user.ts';
import { freePort } from '../../support/free-port.ts';

const ROOT = join(import.meta.dirname, '../../..');
let dir: string | undefined;
let child: ChildProcess | undefined;

afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) {
    const exited = new Promise((resolve) => child!.once('exit', resolve));
    child.kill('SIGINT');
    await exited;
  }
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = undefined;
  dir = undefined;
});


describe('alerting in the npm start process', () => {
  it('turns a simulated forced door into a ticket and live device status on its API', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-start-alerting-'));
    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/main.ts')], {
      cwd: ROOT,
      env: {
        ...process.env,
        OC_DATA_DIR: dir,
        OC_MQTT_PORT: '0',
        OC_HTTP_HOST: '127.0.0.1',
        OC_HTTP_PORT: String(port),
        OC_SIM_SCENARIO: join(ROOT, 'simulators/scenarios/forced-door.yaml'),
        OC_SIM_SPEED: '60',
        OC_LOG_LEVEL: 'warn',
        OC_LOG_FORMAT: 'json',
      },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    const proc = child;
    const alive = () => {
      if (proc.exitCode !== null) throw new Error(`npm start exited with ${proc.exitCode}`);
    };
    await until('the API of npm start answers', async () => {
      alive();
      return (await fetch(`${base}/api/health`).catch(() => undefined))?.ok ? true : undefined;
    }, 60_000);

    const signIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'desk', password: 'desk-demo' }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('oc_session='))!.split(';')[0]!;
    const get = async <T>(url: string): Promise<T> => {
      const res = await fetch(`${base}${url}`, { headers: { cookie } });
      expect(res.status).toBe(200);
      return (await res.json()) as T;
    };

    // The scenario forces dl8-b1-u1-door two simulated minutes in.
    const ticket = await until('the forced-door ticket', async () => {
      alive();
      return (await get<{ tickets: Ticket[] }>('/api/tickets?category=security')).tickets.find((t) => t.alertType === 'door.forced-open' && t.subject.deviceId === 'dl8-b1-u1-door');
    }, 90_000);
    expect(ticket).toMatchObject({ priority: 'P1', category: 'security', state: 'open', subject: { compoundId: 'dl8', buildingId: 'b1' } });
    const detail = await get<{ linkedEvents: Array<{ body: { type: string; deviceId: string } }> }>(`/api/tickets/${ticket.id}`);
    expect(detail.linkedEvents[0]!.body).toMatchObject({ type: 'door.forced-open', deviceId: 'dl8-b1-u1-door' });

    // The same consumer keeps the device list's live status: the simulated doors are online.
    const devices = (await get<{ devices: Array<{ id: string; kind: string; status: { state: string } }> }>('/api/devices')).devices;
    expect(devices.find((d) => d.id === 'dl8-b1-u1-door')!.status.state).toBe('online');
  });
});
