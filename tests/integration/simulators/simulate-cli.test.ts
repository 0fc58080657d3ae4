/**
 * `npm run simulate` as its own process, scripted by command-line flags only: "a
 * rainstorm at manhole M3 from t=60 s" played by real agents against the gateway,
 * with progress lines while it runs, and every envelope in the event log.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { writeSecretsFile } from '../../../services/gateway/provision.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
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
function simulate(args: string[]): Promise<{ code: number | null; lines: Array<Record<string, unknown>>; text: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'simulators/cli.ts', ...args], {
    cwd: REPO_ROOT,
    env: { ...process.env, OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info' },
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
