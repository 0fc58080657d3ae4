import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { createAlerting } from '../../services/alerting/compose.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import type { EventLog } from '../../services/event-log/port.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { systemClock } from '../../services/shared/clock.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { listDevices } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';

/** Helpers of the kill-and-restart tests (embedded log and Kafka). */
export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const devices = listDevices(loadSite());
export const children: ChildProcess[] = [];

/** The alerting service as its own process, on the data dir's log and store. */
export function startAlertingProcess(dataDir: string, env: Record<string, string> = {}): ChildProcess {
  const child = spawn(process.execPath, ['--import', 'tsx', join(ROOT, 'services/alerting/cli.ts')], {
    cwd: ROOT,
    env: { ...process.env, OC_DATA_DIR: dataDir, OC_HTTP_PORT: '0', OC_LOG_LEVEL: 'warn', OC_LOG_FORMAT: 'json', OC_ALERTING_TICK_MS: '600000', ...env },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  child.stdout!.resume();
  children.push(child);
  return child;
}

/** Resolves when the child logs that the alerting service runs (its consumer has joined). */
export function running(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    let text = '';
    child.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      if (text.includes('alerting service running')) resolve();
    });
    child.once('exit', (code) => reject(new Error(`alerting process exited with ${code} before running`)));
  });
}

export const exited = (c: ChildProcess) => new Promise<void>((resolve) => (c.exitCode !== null ? resolve() : c.once('exit', () => resolve())));

/** A stream with incidents spread through a lot of routine telemetry, and two sentinels at the end of each topic. */
export async function writeStream(log: EventLog): Promise<void> {
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

export function ticketsIn(storePath: string): Map<string, number> {
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

/**
 * What each ticket says, by fingerprint: type and place (in the fingerprint), category,
 * priority, state, and how many firings and events it took in. An event lost in the
 * crash or processed twice would show in the counts even when no ticket went missing.
 */
export function ticketContents(storePath: string): Map<string, TicketContent> {
  const db = new Database(storePath, { readonly: true });
  try {
    const rows = db.prepare('SELECT fingerprint, body FROM tickets ORDER BY fingerprint, opened_at').all() as Array<{ fingerprint: string; body: string }>;
    return new Map(
      rows.map((r) => {
        const t = JSON.parse(r.body) as TicketContent & { subject: { deviceId?: string; compoundId: string } };
        const content = { alertType: t.alertType, deviceId: t.subject.deviceId, compoundId: t.subject.compoundId, category: t.category, priority: t.priority, state: t.state, firingCount: t.firingCount, linkedEventCount: t.linkedEventCount };
        return [r.fingerprint, content];
      }),
    );
  } finally {
    db.close();
  }
}

export interface TicketContent {
  alertType: string;
  deviceId?: string | undefined;
  compoundId: string;
  category: string;
  priority: string;
  state: string;
  firingCount: number;
  linkedEventCount: number;
}

export const SENTINELS = ['dl8/dl8-gate-n-door/door.forced-open', 'dl8/dl8-drain-m8/drain.level'];
export type TicketMessage = { kind: string; ticket?: { fingerprint: string } };


/**
 * The expectation: the same stream on a fresh embedded log in `refDir`, processed once
 * without interruption, in this process. Returns tickets per fingerprint.
 */
export async function referenceTickets(refDir: string): Promise<Map<string, number>> {
  mkdirSync(refDir);
  const refLog = SqliteEventLog.open({ path: join(refDir, 'events.db'), synchronous: 'NORMAL' });
  await refLog.ensureTopics(PLATFORM_TOPICS);
  await writeStream(refLog);
  const reference = await createAlerting({ log: refLog, devices, storePath: join(refDir, 'alerting.db'), clock: systemClock, logger: silentLogger(), tickIntervalMs: 600_000, synchronous: 'NORMAL' });
  await new Promise<void>((resolve) => {
    const check = () => {
      const fingerprints = new Set(reference.store.listTickets({ limit: 500 }).map((t) => t.fingerprint));
      if (SENTINELS.every((s) => fingerprints.has(s))) resolve();
    };
    reference.runtime.service.changes.on('ticket', check);
    check();
  });
  await reference.runtime.close();
  await refLog.close();
  return ticketsIn(join(refDir, 'alerting.db'));
}

/**
 * `waiting`, or a failure naming the child's exit code if it dies first (one that should
 * still be running): a crashed alerting process then fails the test at once, with its
 * code, instead of leaving the wait to run into the test's timeout.
 */
export function whileRunning<T>(child: ChildProcess, waiting: Promise<T>): Promise<T> {
  let onExit: ((code: number | null, signal: NodeJS.Signals | null) => void) | undefined;
  const died = new Promise<never>((_, reject) => {
    onExit = (code, signal) => reject(new Error(`alerting process exited (code ${code}, signal ${signal}) while the test waited on it`));
    child.once('exit', onExit);
  });
  return Promise.race([waiting, died]).finally(() => child.off('exit', onExit!));
}
