import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { afterEach, describe, expect, it } from 'vitest';
import { createAlerting } from '../../../services/alerting/compose.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { LogRecorder } from '../../support/log-recorder.ts';

const ROOT = fileURLToPath(new URL('../../../', import.meta.url));
const devices = listDevices(loadSite());
let dir: string;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

/** The alerting service as its own process, on the data dir's log and store. */
function startAlertingProcess(dataDir: string): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/alerting/cli.ts')], {
    cwd: ROOT,
    env: { ...process.env, OC_DATA_DIR: dataDir, OC_HTTP_PORT: '0', OC_LOG_LEVEL: 'warn', OC_LOG_FORMAT: 'json', OC_ALERTING_TICK_MS: '600000' },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  children.push(child);
  return child;
}

const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve())));

/** A stream with incidents spread through a lot of routine telemetry, and two sentinels at the end of each topic. */
async function writeStream(log: SqliteEventLog): Promise<void> {
  const seq = new Map<string, number>();
  const envelope = (deviceId: string, type: string, data: Record<string, unknown>) => {
    const n = seq.get(deviceId) ?? 0;
    seq.set(deviceId, n + 1);
    const kind = devices.find((d) => d.id === deviceId)!.kind;
    return { key: deviceId, value: JSON.stringify({ v: 1, id: `${deviceId}-${n}`, deviceId, kind, type, ts: new Date().toISOString(), seq: n, data }) };
  };
  const doors = devices.filter((d) => d.kind === 'door' && d.placeType === 'entrance');
  const cameras = devices.filter((d) => d.kind === 'camera');
  const drains = devices.filter((d) => d.kind === 'drain');
  const rounds = 600;
  // Both topics carry routine traffic and incidents all the way through, since the
  // service reads them side by side.
  for (let r = 0; r < rounds; r++) {
    const telemetry = devices.map((d) => envelope(d.id, 'agent.heartbeat', { uptimeS: r * 60, pending: 0, reconnects: 0 }));
    const drain = drains[r % 75 === 30 ? (r - 30) / 75 : -1];
    if (drain) telemetry.push(envelope(drain.id, 'drain.level', { levelMm: drain.depthMm, distanceMm: 0, depthMm: drain.depthMm, batteryPct: 80, rssiDbm: -70, overflow: true }));
    const events = doors.map((d) => envelope(d.id, 'access.granted', { cardHash: `c${r}`, reader: 'in' }));
    const door = doors[r % 40 === 0 ? r / 40 : -1];
    if (door) events.push(envelope(door.id, 'door.forced-open', { reason: 'opened-without-grant' }));
    const camera = cameras[r % 50 === 25 ? (r - 25) / 50 : -1];
    if (camera) events.push(envelope(camera.id, 'video.loss', { reason: 'signal-lost' }));
    await log.append(LOG_TOPICS.telemetry, telemetry);
    await log.append(LOG_TOPICS.events, events);
  }
  await log.append(LOG_TOPICS.events, [envelope('dl8-gate-n-door', 'door.forced-open', { reason: 'sentinel' })]);
  await log.append(LOG_TOPICS.telemetry, [envelope('dl8-drain-m8', 'drain.level', { levelMm: 1500, distanceMm: 0, depthMm: 1500, batteryPct: 80, rssiDbm: -70, overflow: true })]);
}

function ticketsIn(storePath: string): Map<string, number> {
  const db = new Database(storePath, { readonly: true });
  try {
    const rows = db.prepare('SELECT fingerprint FROM tickets').all() as Array<{ fingerprint: string }>;
    const byFingerprint = new Map<string, number>();
    for (const r of rows) byFingerprint.set(r.fingerprint, (byFingerprint.get(r.fingerprint) ?? 0) + 1);
    return byFingerprint;
  } finally {
    db.close();
  }
}

const SENTINELS = ['dl8/dl8-gate-n-door/door.forced-open', 'dl8/dl8-drain-m8/drain.level-critical'];
type TicketMessage = { kind: string; ticket?: { fingerprint: string } };

describe('alerting process killed mid-stream and restarted', () => {
  it('loses no ticket and duplicates none', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-kill-'));
    const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', pollIntervalMs: 20 });
    await log.ensureTopics(PLATFORM_TOPICS);
    await writeStream(log);

    // The reference: the same stream, processed once without interruption, in this process.
    const refDir = join(dir, 'reference');
    mkdirSync(refDir);
    const refLog = SqliteEventLog.open({ path: join(refDir, 'events.db'), synchronous: 'NORMAL' });
    await refLog.ensureTopics(PLATFORM_TOPICS);
    await writeStream(refLog);
    const reference = await createAlerting({ log: refLog, devices, storePath: join(refDir, 'alerting.db'), clock: systemClock, logger: silentLogger(), tickIntervalMs: 600_000, synchronous: 'NORMAL' });
    const refDone = new Promise<void>((resolve) => {
      const check = () => {
        const fingerprints = new Set(reference.store.listTickets({ limit: 500 }).map((t) => t.fingerprint));
        if (SENTINELS.every((s) => fingerprints.has(s))) resolve();
      };
      reference.runtime.service.changes.on('ticket', check);
      check();
    });
    await refDone;
    await reference.runtime.close();
    await refLog.close();
    const expected = ticketsIn(join(refDir, 'alerting.db'));
    expect(expected.size).toBeGreaterThan(20);

    // The run under test: killed with SIGKILL after its first tickets, then started again.
    const published = await LogRecorder.start(log, [LOG_TOPICS.tickets]);
    const opened = () => new Set(published.json<TicketMessage>(LOG_TOPICS.tickets).filter((m) => m.kind === 'ticket.change').map((m) => m.ticket!.fingerprint));
    const first = startAlertingProcess(dir);
    await published.until(() => opened().size >= 5);
    first.kill('SIGKILL');
    await exited(first);
    const atKill = opened();
    expect(SENTINELS.some((s) => atKill.has(s))).toBe(false); // it really died mid-stream

    const second = startAlertingProcess(dir);
    await published.until(() => SENTINELS.every((s) => opened().has(s)));
    second.kill('SIGTERM');
    await exited(second);
    await published.close();
    await log.close();

    const actual = ticketsIn(join(dir, 'alerting.db'));
    const duplicates = [...actual].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    console.log(`kill/restart: ${atKill.size} tickets before the kill, ${actual.size} after the restart, ${expected.size} in the uninterrupted run, 0 duplicates`);
  });
});
