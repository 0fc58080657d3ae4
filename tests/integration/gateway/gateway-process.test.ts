/**
 * `npm run gateway` as its own process, as the Kafka deployment runs it: provisioned
 * devices log in and find their retained config, and SIGTERM stops it cleanly.
 */
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { readSecretsFile } from '../../../services/gateway/provision.ts';
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
});
