/**
 * The noise report's two commands as their own processes: `npm run noise-report -- FILE`
 * and `npm run simulate -- --scenario FILE --report`. No broker, no secrets: the platform
 * runs inside, on the scenario's clock.
 */
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';

function run(script: string, args: string[]): Promise<{ code: number | null; out: string; err: string }> {
  const proc = spawn(process.execPath, ['--import', 'tsx', script, ...args], { cwd: REPO_ROOT, env: { ...process.env, OC_LOG_LEVEL: 'warn' }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  let err = '';
  proc.stdout.on('data', (c: Buffer) => (out += c.toString()));
  proc.stderr.on('data', (c: Buffer) => (err += c.toString()));
  return new Promise((resolve) => proc.on('close', (code) => resolve({ code, out, err })));
}

describe('the noise report commands', () => {
  it('npm run noise-report -- FILE --brief prints the tables of the power cut', async () => {
    const r = await run('simulators/report/cli.ts', ['simulators/scenarios/power-cut.yaml', '--brief']);
    expect(r.code, r.err).toBe(0);
    expect(r.out).toContain('#### power-cut');
    expect(r.out).toContain('| site.mass-outage | P1 | 1 |');
    // The outage P1 is dispatched by the system 30 s after it opened (issue 14: every P1 reaches a person).
    expect(r.out).toContain('| power-cut | outage | 60 s | 1 | 60 s | 90 s |');
    expect(r.out).not.toContain('Resolved themselves within 10 min:');
    expect(r.err).toMatch(/played 1200 simulated s in [\d.]+ wall s \(120 steps\)/);
  }, 120_000);

  it('npm run simulate -- --scenario FILE --report --json gives the same report as JSON, flags merged over the file', async () => {
    const r = await run('simulators/cli.ts', ['--scenario', 'simulators/scenarios/forced-door.yaml', '--duration', '1200', '--report', '--json']);
    expect(r.code, r.err).toBe(0);
    const report = JSON.parse(r.out) as { scenario: string; incidents: Array<{ id: string; ticketIds: string[] }>; unexplained: unknown[] };
    expect(report.scenario).toBe('forced-door');
    // Played to 1200 s of its 1800 (--duration over the file): every door incident has its one ticket (the gate propped 90 s is an alert, no incident).
    expect(report.incidents.map((i) => [i.id, i.ticketIds.length])).toEqual([['forced-b1-u1', 1], ['reader-b3-u2', 1], ['forced-b4-u2', 1]]);
    expect(report.unexplained).toEqual([]);
  }, 120_000);

  it('a scenario whose incident names an event no script has is refused with its key, exit 2', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'oc-noise-cli-'));
    try {
      const file = join(dir, 'bad.yaml');
      writeFileSync(file, "durationS: 600\nstartAt: '2026-07-16T01:00:00+08:00'\nevents:\n  - { id: cut, at: 60, do: power-cut, target: dl8, durationS: 60 }\nincidents:\n  - { id: cut, class: outage, events: [cutt], explains: [{ type: site.mass-outage }] }\n");
      const bad = await run('simulators/report/cli.ts', [file]);
      expect(bad.code).toBe(2);
      expect(bad.err).toContain('incidents.0.events.0');
      expect(bad.err).toContain("'cutt'");
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  }, 120_000);
});
