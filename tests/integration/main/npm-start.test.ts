/**
 * `npm start` as a user runs it (services/main.ts in its own process, on ephemeral
 * ports): the start-up summary names the bound ports, the device counts and the data
 * directory; simulated devices reach the event log; Ctrl-C (SIGINT) stops it cleanly.
 * And a broken site file stops it at once with a message naming the bad key; a restart
 * on the same data directory carries on each device's sequence.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, type AddressInfo } from 'node:net';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import mqtt from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite, REFERENCE_SITE_PATH } from '../../../services/site/load.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { pollUntil } from '../../support/poll-until.ts';
import { ProcessOutput } from '../../support/process-output.ts';

let dir: string | undefined;
let child: ChildProcess | undefined;
afterEach(() => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  if (dir) rmSync(dir, { recursive: true, force: true });
  child = undefined;
  dir = undefined;
});

interface MonitorLine {
  msg: string;
  events?: number;
  telemetry?: number;
  deadLetters?: number;
  online?: number;
  offline?: number;
  devicesReporting?: number;
  duplicates?: number;
  missingSeq?: number;
  seqResets?: number;
  consumers?: string;
  code?: string;
}

/** npm start's stdout, with its JSON monitor lines read back. */
class Output extends ProcessOutput {
  constructor(proc: ChildProcess) {
    super(proc, 'npm start');
  }

  jsonLines(): MonitorLine[] {
    return this.text
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as MonitorLine);
  }
}

function startMain(env: Record<string, string>): { proc: ChildProcess; out: Output } {
  const proc = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts'], {
    cwd: REPO_ROOT,
    env: { ...process.env, OC_MQTT_PORT: '0', OC_HTTP_PORT: '0', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  return { proc, out: new Output(proc) };
}

/**
 * `npm start` itself, as a user types it, in a process group of its own like a terminal's
 * foreground job: `ctrlC` signals the whole group (npm, its shell, node), as Ctrl-C does.
 */
function startNpm(env: Record<string, string>): { proc: ChildProcess; out: Output; ctrlC: () => void } {
  const proc = spawn('npm', ['start', '--silent'], {
    cwd: REPO_ROOT,
    detached: true,
    env: { ...process.env, OC_MQTT_PORT: '0', OC_HTTP_PORT: '0', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child = proc;
  return { proc, out: new Output(proc), ctrlC: () => process.kill(-proc.pid!, 'SIGINT') };
}

/** Like exitOf, with the signal when the process was killed by one (a shell shows that as 128 + n). */
const endOf = (proc: ChildProcess): Promise<{ code: number | null; signal: NodeJS.Signals | null }> =>
  new Promise((resolve) =>
    proc.exitCode !== null || proc.signalCode !== null
      ? resolve({ code: proc.exitCode, signal: proc.signalCode })
      : proc.once('exit', (code, signal) => resolve({ code, signal })),
  );

const exitOf = (proc: ChildProcess): Promise<number | null> =>
  new Promise((resolve) => (proc.exitCode !== null ? resolve(proc.exitCode) : proc.once('exit', (code) => resolve(code))));

const summaryField = (text: string, label: string): string => {
  const line = text.split('\n').find((l) => l.startsWith(`  ${label} `));
  if (!line) throw new Error(`no "${label}" line in the summary:\n${text}`);
  return line.slice(label.length + 2).trim();
};

describe('npm start', () => {
  it('restarted after Ctrl-C goes on with the site: the forced door fired once and has one ticket; Ctrl-C and SIGTERM exit 0 through npm', { timeout: 240_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-continue-'));
    const door = 'dl8-b3-u2-door';
    const read = <T,>(file: string, sql: string): T[] => {
      const db = new Database(join(dir!, file), { readonly: true });
      try {
        return db.prepare(sql).all() as T[];
      } finally {
        db.close();
      }
    };
    const forcedOpens = () =>
      read<{ value: Buffer }>('events.db', "SELECT value FROM records WHERE topic = 'oc.events'")
        .map((r) => JSON.parse(r.value.toString('utf8')) as { id: string; deviceId: string; type: string })
        .filter((e) => e.deviceId === door && e.type === 'door.forced-open');
    const tickets = () => read<{ id: string }>('alerting.db', `SELECT id FROM tickets WHERE fingerprint = 'dl8/${door}/door.forced-open'`);
    const reached = () => (JSON.parse(readFileSync(join(dir!, 'simulator', 'sim-time.json'), 'utf8')) as { reachedMs: number; played?: string[] });

    const first = startNpm({ OC_DATA_DIR: dir });
    await first.out.until('the start-up summary', () => (first.out.text.includes('Ctrl-C stops everything cleanly') ? true : undefined));
    await pollUntil(`the ticket for the forced door of ${door}`, () => tickets().length === 1, { timeoutMs: 90_000 });
    const firstEnd = endOf(first.proc);
    first.ctrlC();
    expect(await firstEnd, first.out.text.slice(-3000)).toEqual({ code: 0, signal: null });
    expect(first.out.jsonLines().some((l) => l.msg === 'stopped cleanly')).toBe(true);
    expect(forcedOpens()).toHaveLength(1);
    const firstReach = reached();
    expect(firstReach.played).toContain(`60 s forced-open ${door}`);

    const second = startNpm({ OC_DATA_DIR: dir });
    await second.out.until('the start-up summary', () => (second.out.text.includes('Ctrl-C stops everything cleanly') ? true : undefined));
    // Well past the moment a replayed script would force the door again (60 simulated s after the start).
    await pollUntil('the second run 3 simulated minutes on', () => reached().reachedMs > firstReach.reachedMs + 180_000, { timeoutMs: 90_000 });
    const secondEnd = endOf(second.proc);
    // This time as a service manager stops it: SIGTERM to npm alone, which passes it on.
    second.proc.kill('SIGTERM');
    expect(await secondEnd, second.out.text.slice(-3000)).toEqual({ code: 0, signal: null });
    expect(forcedOpens(), 'door.forced-open events in the log over both runs').toHaveLength(1);
    expect(tickets(), 'forced-open tickets for the door').toHaveLength(1);
  });

  it('prints ports, device counts and the data directory, gets devices into the log, and stops cleanly on SIGINT', { timeout: 180_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-'));
    const { proc, out } = startMain({ OC_DATA_DIR: dir });
    await out.until('the start-up summary', () => (out.text.includes('Ctrl-C stops everything cleanly') ? true : undefined));

    // Device counts as the shipped site file has them.
    const devices = listDevices(loadSite());
    const count = (kind: string) => devices.filter((d) => d.kind === kind).length;
    expect(summaryField(out.text, 'devices')).toBe(`${devices.length}: ${count('door')} door controllers, ${count('camera')} cameras, ${count('drain')} drain sensors`);

    // Where the data lives: the data directory, and the log inside it.
    expect(summaryField(out.text, 'data')).toContain(dir);
    expect(summaryField(out.text, 'event log')).toContain(join(dir, 'events.db'));

    // The ports printed are the ones bound (port 0 was asked for): the gateway refuses a wrong login, the API answers.
    const mqttPort = Number(/mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(summaryField(out.text, 'MQTT gateway'))?.[1]);
    const httpPort = Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(summaryField(out.text, 'API'))?.[1]);
    expect(mqttPort).toBeGreaterThan(0);
    expect(httpPort).toBeGreaterThan(0);
    const refused = await mqtt
      .connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'dl8-ghost-01', username: 'dl8-ghost-01', password: 'wrong', reconnectPeriod: 0, connectTimeout: 20_000 })
      .then((c) => c.endAsync().then(() => 'connected'), (err: Error & { code?: number }) => err.code);
    expect(refused).toBe(4);
    const openapi = await fetch(`http://127.0.0.1:${httpPort}/api/openapi.json`);
    expect(openapi.status).toBe(200);
    // The first run says where to sign in, and as whom, at this hour.
    expect(summaryField(out.text, 'duty desk')).toContain(`http://127.0.0.1:${httpPort}/, sign in as desk / desk-demo`);
    expect(summaryField(out.text, 'phone page')).toMatch(new RegExp(`^http://127\\.0\\.0\\.1:${httpPort}/m, sign in as ([a-z-]+) / \\1-demo \\(.+, guard on shift now until `));

    // The monitor line (every 10 s) shows every simulated device online and their envelopes in the log.
    const reached = await out.until('every device online and reporting into the log', () =>
      out.jsonLines().find((l) => String(l.msg).startsWith('event log: ') && (l.events ?? 0) > 0 && l.online === devices.length),
    );
    expect(reached.missingSeq).toBe(0);
    // One readable line, as the README shows it, whatever the log format.
    expect(reached.msg).toBe(
      `event log: events ${reached.events}, telemetry ${reached.telemetry}, deadLetters ${reached.deadLetters}, online ${reached.online}, ` +
        `offline ${reached.offline}, devicesReporting ${reached.devicesReporting}, duplicates ${reached.duplicates}, missingSeq ${reached.missingSeq}, ` +
        `seqResets ${reached.seqResets}, consumers ${reached.consumers}`,
    );
    // No log consumer is held up by any record (issue 13).
    expect(reached.consumers).toBe('ok');

    const exited = exitOf(proc);
    proc.kill('SIGINT');
    expect(await exited).toBe(0);
    const stopped = out.jsonLines().find((l) => l.msg === 'stopped cleanly');
    expect(stopped, out.text.slice(-4000)).toBeDefined();
    // Devices were closed before the gateway: every one said `offline`, and nothing went missing.
    expect(stopped).toMatchObject({ online: 0, offline: devices.length, missingSeq: 0 });
    expect(stopped!.events).toBeGreaterThanOrEqual(reached.events!);
    for (const file of ['events.db', 'config.db', 'retained-config.db', join('simulator', 'outbox.db')]) expect(existsSync(join(dir, file)), file).toBe(true);
  });

  it('refuses a site file with a bad key, naming the key, and exits 1', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-bad-site-'));
    // eslint-disable-next-line @typescript-eslint/no-explicit-any
    const site: any = parse(readFileSync(REFERENCE_SITE_PATH, 'utf8'));
    site.communities[0].compounds[0].devices[2].kind = 'toaster';
    const siteFile = join(dir, 'site.json'); // JSON works as well as YAML
    writeFileSync(siteFile, JSON.stringify(site));
    const { proc, out } = startMain({ OC_DATA_DIR: join(dir, 'data'), OC_SITE_FILE: siteFile });
    expect(await exitOf(proc)).toBe(1);
    const fatal = out.jsonLines().find((l) => l.code === 'OC_CONFIG_INVALID');
    expect(fatal?.msg).toContain('communities.0.compounds.0.devices.2.kind');
    expect(fatal?.msg).toContain(siteFile);
    expect(out.text).not.toContain('OpenCompound is running');
  });

  it('says when a scenario plays only some devices, and a restart on the same data dir carries on each device\'s sequence', { timeout: 180_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-restart-'));
    const devices = listDevices(loadSite());
    const drains = devices.filter((d) => d.kind === 'drain');
    const env = { OC_DATA_DIR: dir, OC_SIM_SCENARIO: 'simulators/scenarios/grease-blockage.yaml' };
    const telemetryRecords = () => {
      const db = new Database(join(dir!, 'events.db'), { readonly: true });
      try {
        const rows = db.prepare("SELECT value FROM records WHERE topic = 'oc.telemetry' ORDER BY partition, offset").all() as Array<{ value: Buffer }>;
        return rows.map((r) => JSON.parse(r.value.toString('utf8')) as { id: string; deviceId: string; seq: number; ts: string });
      } finally {
        db.close();
      }
    };
    const runOnce = async (): Promise<string> => {
      const { proc, out } = startMain(env);
      await out.until('the start-up summary', () => (out.text.includes('Ctrl-C stops everything cleanly') ? true : undefined));
      await out.until('drain readings in the log', () => out.jsonLines().find((l) => String(l.msg).startsWith('event log: ') && (l.telemetry ?? 0) > 0));
      const exited = exitOf(proc);
      proc.kill('SIGINT');
      expect(await exited, out.text.slice(-4000)).toBe(0);
      return summaryField(out.text, 'simulation');
    };

    const firstSummary = await runOnce();
    expect(firstSummary).toContain(`plays ${drains.length} of ${devices.length} devices (drain), the others stay silent`);
    const first = telemetryRecords();
    expect(first.length).toBeGreaterThan(0);
    const secondSummary = await runOnce();
    const all = telemetryRecords();
    // The second run goes on from where the first run's simulated time got, not an hour back again.
    const minutesBack = (summary: string) => Number(/from (\d+) min ago/.exec(summary)?.[1] ?? 0);
    expect(minutesBack(firstSummary)).toBeGreaterThanOrEqual(60);
    expect(minutesBack(secondSummary)).toBeLessThan(minutesBack(firstSummary));
    for (const d of drains) {
      const times = all.filter((e) => e.deviceId === d.id).sort((a, b) => a.seq - b.seq).map((e) => Date.parse(e.ts));
      expect(times.filter((t, i) => i > 0 && t < times[i - 1]!), `${d.id}: device times going backwards`).toEqual([]);
    }
    expect(all.length).toBeGreaterThan(first.length);

    // Per drain, over both runs: one envelope per seq, in log order, from 0 with no gap.
    for (const d of drains) {
      const seen = new Set<string>();
      const seqs = all.filter((e) => e.deviceId === d.id && !seen.has(e.id) && seen.add(e.id)).map((e) => e.seq);
      expect(seqs, d.id).toEqual(seqs.map((_, i) => i));
    }
    // The second run's readings continue where the first stopped, rather than starting again at 0.
    const firstMax = Math.max(...first.map((e) => e.seq));
    expect(all.slice(first.length).some((e) => e.seq > firstMax)).toBe(true);
  });

  it('exits 1 with the variable to change when a port is taken, instead of staying half started', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-npm-start-port-taken-'));
    const taken = createServer();
    await new Promise<void>((resolve) => taken.listen(0, '127.0.0.1', resolve));
    try {
      const port = (taken.address() as AddressInfo).port;
      const { proc, out } = startMain({ OC_DATA_DIR: dir, OC_HTTP_PORT: String(port) });
      expect(await exitOf(proc)).toBe(1);
      const fatal = out.jsonLines().find((l) => l.code === 'EADDRINUSE');
      expect(fatal?.msg).toContain(`:${port} is already in use`);
      expect(fatal?.msg).toContain('OC_HTTP_PORT');
    } finally {
      await new Promise((resolve) => taken.close(resolve));
    }
  });
});
