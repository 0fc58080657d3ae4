/**
 * `npm run gateway` as its own process, as the Kafka deployment runs it: provisioned
 * devices log in and find their retained config, and SIGTERM stops it cleanly.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { readSecretsFile } from '../../../services/gateway/provision.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { deviceTopic } from '../../../services/shared/topics.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';

const run = promisify(execFile);
let dir: string | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
});

/** Resolves with the port from the gateway's "gateway listening" log line. */
function listeningPort(proc: ChildProcess): Promise<number> {
  return new Promise((resolve, reject) => {
    let text = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const line = text.split('\n').find((l) => l.includes('"gateway listening"'));
      if (line) resolve((JSON.parse(line) as { port: number }).port);
    });
    proc.once('exit', (code) => reject(new Error(`gateway exited with ${code} before listening`)));
  });
}

describe('the gateway as its own process', () => {
  it('lets a provisioned device in, hands it its retained config, and stops on SIGTERM', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-gateway-process-'));
    const env = { ...process.env, OC_DATA_DIR: dir, OC_MQTT_PORT: '0', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info' };
    await run(process.execPath, ['--import', 'tsx', 'services/gateway/provision-cli.ts', '--all', '--simulator'], { cwd: REPO_ROOT, env });
    const secret = readSecretsFile(join(dir, 'simulator', 'device-secrets.json')).get('dl8-drain-m3');
    expect(secret).toBeDefined();

    child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/cli.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await listeningPort(child);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'dl8-drain-m3', username: 'dl8-drain-m3', password: secret!, reconnectPeriod: 0 });
    const config = new Promise<Record<string, unknown>>((resolve) => device.on('message', (_topic, payload) => resolve(JSON.parse(payload.toString()) as Record<string, unknown>)));
    await device.subscribeAsync('oc/v1/dl8-drain-m3/config', { qos: 1 });
    expect(await config).toMatchObject({ deviceId: 'dl8-drain-m3', depthMm: expect.any(Number) });
    await device.endAsync();

    const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  it('starts on a data dir that does not exist yet, and dead-letters payloads over OC_MAX_PAYLOAD_BYTES', { timeout: 90_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-gateway-process-'));
    const dataDir = join(dir, 'fresh', 'data');
    const env = { ...process.env, OC_DATA_DIR: dataDir, OC_MQTT_PORT: '0', OC_MAX_PAYLOAD_BYTES: '2048', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info' };
    const stop = async (): Promise<number | null> => {
      const exited = new Promise<number | null>((resolve) => child!.once('exit', (code) => resolve(code)));
      child!.kill('SIGTERM');
      return exited;
    };

    // Before any provisioning: nothing on disk yet, and the gateway still comes up (with a warning).
    child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/cli.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    let out = '';
    child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()));
    await listeningPort(child);
    expect(await stop()).toBe(0);
    // It says where the data lives, for sqlite3 or a separately run consumer.
    const where = out.split('\n').find((l) => l.includes('"gateway data"'));
    expect(where && JSON.parse(where)).toMatchObject({ dataDir, eventLog: join(dataDir, 'events.db'), credentials: join(dataDir, 'device-credentials.json') });

    await run(process.execPath, ['--import', 'tsx', 'services/gateway/provision-cli.ts', '--device', 'dl8-drain-m3', '--simulator'], { cwd: REPO_ROOT, env });
    const secret = readSecretsFile(join(dataDir, 'simulator', 'device-secrets.json')).get('dl8-drain-m3');
    child = spawn(process.execPath, ['--import', 'tsx', 'services/gateway/cli.ts'], { cwd: REPO_ROOT, env, stdio: ['ignore', 'pipe', 'inherit'] });
    const port = await listeningPort(child);
    const device = await mqtt.connectAsync(`mqtt://127.0.0.1:${port}`, { clientId: 'dl8-drain-m3', username: 'dl8-drain-m3', password: secret!, reconnectPeriod: 0 });
    // 4 KiB: under the 64 KiB default, over the 2 KiB this gateway was given.
    await device.publishAsync(deviceTopic('dl8-drain-m3', 'telemetry'), Buffer.alloc(4096, 'x'), { qos: 1 });
    await device.endAsync();
    expect(await stop()).toBe(0);

    const db = new Database(join(dataDir, 'events.db'), { readonly: true });
    try {
      const rows = db.prepare("SELECT value FROM records WHERE topic = 'oc.deadletter'").all() as Array<{ value: Buffer }>;
      expect(rows.map((r) => (JSON.parse(r.value.toString('utf8')) as { code: string }).code)).toEqual(['OC_PAYLOAD_TOO_LARGE']);
    } finally {
      db.close();
    }
  });

  it('provisions the simulators after an installer already ran --all: a hint first, then --all --rotate issues new secrets to every device', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-provision-'));
    const env = { ...process.env, OC_DATA_DIR: dir };
    const provision = (...args: string[]) =>
      run(process.execPath, ['--import', 'tsx', 'services/gateway/provision-cli.ts', ...args], { cwd: REPO_ROOT, env }).then(
        ({ stderr }) => ({ code: 0, stderr }),
        (err: { code: number; stderr: string }) => ({ code: err.code, stderr: err.stderr }),
      );
    const hashes = () => JSON.parse(readFileSync(join(dir!, 'device-credentials.json'), 'utf8')) as Record<string, string>;
    const ids = listDevices(loadSite()).map((d) => d.id).sort();

    expect((await provision('--all')).code).toBe(0);
    const first = hashes();
    expect(Object.keys(first).sort()).toEqual(ids);

    const again = await provision('--all', '--simulator');
    expect(again.code).toBe(2);
    expect(again.stderr).toContain('already has credentials');
    expect(again.stderr).toContain('--rotate');

    expect((await provision('--all', '--rotate', '--simulator')).code).toBe(0);
    const secrets = readSecretsFile(join(dir, 'simulator', 'device-secrets.json'));
    expect([...secrets.keys()].sort()).toEqual(ids);
    const rotated = hashes();
    for (const id of ids) expect(rotated[id], id).not.toBe(first[id]);
  });
});
