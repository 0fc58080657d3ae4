/**
 * `npm run simulate` as its own process, scripted by command-line flags only: "a
 * rainstorm at manhole M3 from t=60 s" played by real agents against the gateway,
 * with progress lines while it runs, and every envelope in the event log.
 */
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSecretsFile } from '../../../services/gateway/provision.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { freePort } from '../../support/free-port.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';

const START_ISO = '2026-07-15T19:00:00+08:00';
const START = Date.parse(START_ISO);
const drains = listDevices(loadSite()).filter((d) => d.kind === 'drain');

let h: GatewayHarness | undefined;
let dir: string | undefined;
afterEach(async () => {
  await h?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  h = undefined;
  dir = undefined;
});

/** Runs the CLI to its end; resolves with its exit code and the JSON log lines it printed. */
function simulate(args: string[], env: Record<string, string> = {}): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; text: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'simulators/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let text = '';
  proc.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
  proc.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
  return new Promise((resolve) =>
    proc.once('close', (code) =>
      resolve({
        code,
        text,
        lines: text
          .split('\n')
          .filter((l) => l.startsWith('{'))
          .map((l) => JSON.parse(l) as Record<string, unknown>),
      }),
    ),
  );
}

describe('npm run simulate, scripted by flags', () => {
  it('plays "rainstorm at M3 from t=60 s" through real agents into the log, with progress lines', { timeout: 120_000 }, async () => {
    h = await GatewayHarness.start({ devices: drains.map((d) => ({ id: d.id, kind: d.kind })) });
    dir = mkdtempSync(join(tmpdir(), 'oc-simulate-cli-'));
    const secretsFile = join(dir, 'secrets.json');
    writeSecretsFile(secretsFile, h.secrets);

    const durationS = 1200;
    const run = await simulate([
      '--rainstorm', 'm3@60+1200:60',
      '--devices', 'drain',
      '--duration', String(durationS),
      '--speed', '600',
      '--seed', '5',
      '--start-at', START_ISO,
      '--broker', h.url,
      '--secrets', secretsFile,
      '--data-dir', join(dir, 'outboxes'),
      '--progress-every', '0.2',
      '--drain-timeout', '60',
    ]);
    expect(run.code, run.text.slice(-3000)).toBe(0);

    // Progress while it ran: more than one line, rising to 100 %.
    const progressLines = run.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('sim '));
    const progress = progressLines.map((l) => l.percent as number);
    expect(progress.length).toBeGreaterThanOrEqual(2);
    expect(progress).toEqual([...progress].sort((a, b) => a - b));
    expect(progress.at(-1)).toBe(100);
    expect(run.lines.some((l) => l.msg === 'simulator done; every envelope delivered')).toBe(true);

    // Everything the models produced is in the log (the gateway acknowledged it only after the append).
    const produced = progressLines.at(-1)!.telemetry as number;
    expect(produced).toBeGreaterThanOrEqual(drains.length * (durationS / 60 - 1));
    const readingsNow = () => h!.recorder.json<Envelope>('oc.telemetry').filter((e) => e.type === 'drain.level');
    await h.recorder.until(() => new Set(readingsNow().map((e) => e.id)).size >= produced);
    const readings = readingsNow();

    // Every drain reported; M3 rose only after t = 60 s, and well above a dry neighbour.
    expect(new Set(readings.map((e) => e.deviceId))).toEqual(new Set(drains.map((d) => d.id)));
    const levels = (deviceId: string, from: number, to: number): number[] =>
      readings
        .filter((e) => e.deviceId === deviceId && Date.parse(e.ts) - START >= from && Date.parse(e.ts) - START < to)
        .map((e) => Number(e.data.levelMm));
    const m3Before = levels('dl8-drain-m3', 0, 60_000);
    const m3Late = levels('dl8-drain-m3', 600_000, durationS * 1000);
    expect(m3Before.length).toBeGreaterThan(0);
    expect(Math.max(...m3Late)).toBeGreaterThan(Math.max(...m3Before) + 300);
    expect(Math.max(...levels('dl8-drain-m1', 0, durationS * 1000))).toBeLessThan(Math.max(...m3Late));

    // Per device, the seqs the log holds run 0..n-1 over both topics (resends de-duplicated by id).
    const all = [...h.recorder.json<Envelope>('oc.events'), ...h.recorder.json<Envelope>('oc.telemetry')];
    for (const d of drains) {
      const seen = new Set<string>();
      const seqs = all.filter((e) => e.deviceId === d.id && !seen.has(e.id) && seen.add(e.id)).map((e) => e.seq);
      expect(seqs.sort((a, b) => a - b), d.id).toEqual(seqs.map((_, i) => i));
    }
  });
});

describe('npm run simulate, set up by the same environment as the gateway', () => {
  it('finds broker, secrets and outboxes from OC_MQTT_PORT and OC_DATA_DIR, exits 3 while the broker is down, and delivers in order on the next run', { timeout: 180_000 }, async () => {
    h = await GatewayHarness.start({ devices: drains.map((d) => ({ id: d.id, kind: d.kind })) });
    dir = mkdtempSync(join(tmpdir(), 'oc-simulate-env-'));
    // Where `npm run provision -- --all --simulator` writes them for this OC_DATA_DIR.
    writeSecretsFile(join(dir, 'simulator', 'device-secrets.json'), h.secrets);
    const port = h.gateway.port;
    const env = { OC_DATA_DIR: dir, OC_MQTT_PORT: String(port), OC_MQTT_HOST: '127.0.0.1' };
    const common = ['--devices', 'drain', '--speed', '600', '--seed', '7', '--start-at', START_ISO, '--progress-every', '0.2'];

    // The broker is down for the whole first run: nothing is delivered, and the exit code says so.
    await h.gateway.close();
    const offline = await simulate([...common, '--duration', '600', '--drain-timeout', '1'], env);
    expect(offline.code, offline.text.slice(-3000)).toBe(3);
    expect(offline.lines.find((l) => l.msg === 'simulator starting')?.brokerUrl).toBe(`mqtt://127.0.0.1:${port}`);
    const left = offline.lines.find((l) => typeof l.msg === 'string' && l.msg.startsWith('simulator done'));
    expect(left).toMatchObject({ drained: false, msg: 'simulator done; undelivered envelopes stay in the outbox for the next run' });
    expect(left!.pending as number).toBeGreaterThan(0);
    expect(existsSync(join(dir, 'simulator', 'outbox.db'))).toBe(true);

    // The broker is back: the next run sends what the outbox held first, then its own, and exits 0.
    await h.startGateway(port);
    const online = await simulate([...common, '--duration', '120', '--drain-timeout', '60'], env);
    expect(online.code, online.text.slice(-3000)).toBe(0);
    const delivered = online.lines.find((l) => l.msg === 'simulator done; every envelope delivered');
    expect(delivered).toMatchObject({ drained: true, pending: 0 });

    // Everything both runs produced is in the log; per device and topic the first arrivals come
    // in seq order, and together they are 0..n-1: nothing lost, nothing reordered.
    const produced = (run: typeof online) => {
      const last = run.lines.filter((l) => typeof l.msg === 'string' && l.msg.startsWith('sim ')).at(-1)!;
      return (last.events as number) + (last.telemetry as number);
    };
    expect(produced(offline)).toBeGreaterThan(0);
    const firstArrivals = (topic: string) => {
      const seen = new Set<string>();
      return h!.recorder.json<Envelope>(topic).filter((e) => !seen.has(e.id) && seen.add(e.id));
    };
    await h.recorder.until(() => firstArrivals('oc.events').length + firstArrivals('oc.telemetry').length >= produced(offline) + produced(online));
    for (const d of drains) {
      const perTopic = ['oc.events', 'oc.telemetry'].map((t) => firstArrivals(t).filter((e) => e.deviceId === d.id).map((e) => e.seq));
      for (const seqs of perTopic) expect(seqs, d.id).toEqual([...seqs].sort((a, b) => a - b));
      const all = perTopic.flat().sort((a, b) => a - b);
      expect(all.length, d.id).toBeGreaterThan(1);
      expect(all, d.id).toEqual(all.map((_, i) => i));
    }
  });
});

describe('npm run simulate, stopped with Ctrl-C', () => {
  it('treats the doubled SIGINT of one Ctrl-C (terminal + npm relay) as one: it drains for --drain-timeout, then exits 3', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-simulate-ctrl-c-'));
    // No broker on this port: whatever the agents produce stays in their outbox.
    const port = await freePort();
    writeSecretsFile(join(dir, 'simulator', 'device-secrets.json'), new Map(drains.map((d) => [d.id, 'unused'])));

    const proc = spawn(
      process.execPath,
      ['--import', 'tsx', 'simulators/cli.ts', '--devices', 'drain', '--speed', '60', '--duration', '86400', '--progress-every', '0.2', '--drain-timeout', '2'],
      { cwd: REPO_ROOT, env: { ...process.env, OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', OC_DATA_DIR: dir, OC_MQTT_PORT: String(port) }, stdio: ['ignore', 'pipe', 'pipe'] },
    );
    let text = '';
    const progressed = new Promise<void>((resolve) => {
      const onData = (chunk: Buffer) => {
        text += chunk.toString();
        // Stop once something waits in the outbox, so there is something to drain.
        const waiting = text
          .split('\n')
          .filter((l) => l.startsWith('{') && l.includes('"msg":"sim '))
          .some((l) => (JSON.parse(l) as { pending: number }).pending > 0);
        if (waiting) resolve();
      };
      proc.stdout.on('data', onData);
      proc.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    });
    const exited = new Promise<number | null>((resolve) => proc.once('close', (code) => resolve(code)));
    await progressed;
    // The terminal's SIGINT, then npm's relay of it a moment later: once the first is being handled
    // (two sent at once would merge into one in the kernel).
    const handled = new Promise<void>((resolve) => proc.stdout.on('data', () => text.includes('"msg":"stopping:') && resolve()));
    proc.kill('SIGINT');
    await handled;
    proc.kill('SIGINT');
    const code = await exited;

    const msgs = text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => (JSON.parse(l) as { msg: string }).msg);
    expect(msgs.filter((m) => m.startsWith('stopping:')), text.slice(-2000)).toHaveLength(1);
    expect(msgs.some((m) => m.startsWith('second signal'))).toBe(false);
    expect(msgs, text.slice(-2000)).toContain('simulator done; undelivered envelopes stay in the outbox for the next run');
    expect(code).toBe(3);
  });
});
