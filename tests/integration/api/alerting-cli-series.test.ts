/**
 * `npm run alerting` as its own process: its API answers the desk's charts from the
 * time-series file that `npm run telemetry` writes in the same data dir.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { silentLogger } from '../../../services/shared/logger.ts';
import { SqliteTimeSeries } from '../../../services/timeseries/sqlite/sqlite-time-series.ts';
import { eventually } from '../../support/telemetry-harness.ts';
import { freePort } from '../../support/free-port.ts';

const ROOT = join(import.meta.dirname, '../../..');


describe('npm run alerting', () => {
  let dir: string;
  let child: ChildProcess | undefined;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'oc-alerting-cli-'));
  });
  afterEach(async () => {
    if (child && child.exitCode === null) {
      const exited = new Promise((resolve) => child!.once('exit', resolve));
      child.kill('SIGINT');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  });

  it('serves the series routes from the time-series store of its data dir', async () => {
    const heartbeatAt = Date.now() - 120_000;
    const writer = SqliteTimeSeries.open({ path: join(dir, 'timeseries.db'), logger: silentLogger() });
    await writer.write([
      {
        measurement: 'device_heartbeat',
        tags: { community: 'dianliu-8', compound: 'dl8', place: 'm3', device: 'dl8-drain-m3', kind: 'drain' },
        fields: { seq: 7, event_id: 'dl8-drain-m3-7', uptime_s: 3_600 },
        timeMs: heartbeatAt,
        nanos: 7,
      },
    ]);
    await writer.close();

    const port = await freePort();
    child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/alerting/cli.ts')], {
      cwd: ROOT,
      env: { ...process.env, OC_DATA_DIR: dir, OC_HTTP_HOST: '127.0.0.1', OC_HTTP_PORT: String(port), OC_LOG_LEVEL: 'warn', OC_LOG_FORMAT: 'json', OC_TIMESERIES: 'embedded' },
      stdio: ['ignore', 'ignore', 'inherit'],
    });
    const base = `http://127.0.0.1:${port}`;
    await eventually(async () => {
      if (child!.exitCode !== null) throw new Error(`alerting process exited with ${child!.exitCode}`);
      return (await fetch(`${base}/api/health`).catch(() => undefined))?.ok === true;
    }, 'the alerting process answers');

    const signIn = await fetch(`${base}/api/session`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ login: 'desk', password: 'desk-demo' }) });
    expect(signIn.status).toBe(200);
    const cookie = signIn.headers.getSetCookie().find((c) => c.startsWith('oc_session='))!.split(';')[0]!;

    const uptime = await fetch(`${base}/api/series/devices/uptime?hours=1`, { headers: { cookie } });
    expect(uptime.status).toBe(200);
    const body = (await uptime.json()) as { devices: { deviceId: string; lastHeartbeatAt: number | null; uptimeS: number | null }[] };
    expect(body.devices.find((d) => d.deviceId === 'dl8-drain-m3')).toMatchObject({ lastHeartbeatAt: heartbeatAt, uptimeS: 3_600 });
  }, 90_000);
});
