import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import type { Ticket, TimelineEntry } from '../../../services/alerting/domain/tickets/types.ts';
import { SqliteAlertingStore } from '../../../services/alerting/store/sqlite-alerting-store.ts';
import type { Silence } from '../../../services/alerting/domain/silences.ts';

/**
 * Dedup under real concurrency: three alerting processes on one store file, all
 * released at once, each handling the same door-tamper reports (a redelivery
 * race) plus reports only it saw (different events racing for one fingerprint).
 * Tamper fires on every report, so every event reaches the ticket code.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const WORKER = join(HERE, 'support/race-worker.ts');
const DOORS = ['dl8-b1-u1-door', 'dl8-b1-u2-door', 'dl8-b1-u3-door'];
const INSTANCES = 3;
const SHARED_PER_DOOR = 12;
const OWN_PER_DOOR = 6;

let dir: string;
const children: ChildProcess[] = [];
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

type Report = { id: string; deviceId: string; type: string };

function reportsFor(instance: number): Report[][] {
  const shared = DOORS.flatMap((d) => Array.from({ length: SHARED_PER_DOOR }, (_, i) => ({ id: `${d}-shared-${i}`, deviceId: d, type: 'tamper' })));
  const own = DOORS.flatMap((d) => Array.from({ length: OWN_PER_DOOR }, (_, i) => ({ id: `${d}-i${instance}-${i}`, deviceId: d, type: 'tamper' })));
  // Each instance meets the reports in its own order and batch size, so the interleavings differ.
  const all = [...shared, ...own];
  const rotated = [...all.slice((instance * 7) % all.length), ...all.slice(0, (instance * 7) % all.length)];
  const size = 1 + instance * 2;
  const batches: Report[][] = [];
  for (let i = 0; i < rotated.length; i += size) batches.push(rotated.slice(i, i + size));
  return batches;
}

/** Resolves with the first line the child prints that matches, rejects if it exits first. */
function line(child: ChildProcess, want: string): Promise<void> {
  return new Promise((ok, fail) => {
    let out = '';
    let err = '';
    const onData = (b: Buffer) => {
      out += b.toString();
      if (out.split('\n').includes(want)) {
        child.stdout!.off('data', onData);
        ok();
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (b: Buffer) => (err += b.toString()));
    child.once('exit', (code) => fail(new Error(`worker exited (${code}) before "${want}": ${err}`)));
  });
}

describe('alerting instances racing on one store (separate processes)', () => {
  it('open exactly one ticket per fingerprint, count every distinct event once, and publish every version once', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-race-'));
    const dbPath = join(dir, 'alerting.db');
    // Create the schema once, so the racers do not also race on the migration.
    SqliteAlertingStore.open({ path: dbPath }).close();

    for (let i = 0; i < INSTANCES; i++) {
      const jobPath = join(dir, `job-${i}.json`);
      writeFileSync(jobPath, JSON.stringify({ dbPath, batches: reportsFor(i) }));
      children.push(spawn(process.execPath, ['--import', 'tsx', WORKER, jobPath], { cwd: ROOT, stdio: ['pipe', 'pipe', 'pipe'] }));
    }
    await Promise.all(children.map((c) => line(c, 'ready')));
    const done = Promise.all(children.map((c) => line(c, 'done')));
    for (const c of children) c.stdin!.write('go\n');
    await done;

    const store = SqliteAlertingStore.open<Ticket, TimelineEntry, Silence>({ path: dbPath });
    try {
      const tickets = store.listTickets({ limit: 1000 });
      expect(tickets.map((t) => t.fingerprint).sort()).toEqual(DOORS.map((d) => `dl8/${d}/door.tamper`).sort());
      const distinctPerDoor = SHARED_PER_DOOR + INSTANCES * OWN_PER_DOOR;
      for (const t of tickets) {
        expect(t.firingCount).toBe(distinctPerDoor);
        expect(t.linkedEventCount).toBe(distinctPerDoor);
        const detail = store.getTicket(t.id)!;
        const door = t.subject.deviceId!;
        const expectedIds = [
          ...Array.from({ length: SHARED_PER_DOOR }, (_, i) => `${door}-shared-${i}`),
          ...Array.from({ length: INSTANCES }, (_, n) => Array.from({ length: OWN_PER_DOOR }, (_, i) => `${door}-i${n}-${i}`)).flat(),
        ];
        expect(detail.linkedEvents.map((e) => e.eventId).sort()).toEqual(expectedIds.sort());
        // Append-only and gap-free even with three writers.
        expect(detail.timeline.map((e) => e.seq)).toEqual(Array.from({ length: t.lastSeq }, (_, i) => i + 1));
        expect(detail.timeline.filter((e) => e.action === 'opened')).toHaveLength(1);
      }
      // oc.tickets outbox: each version of each ticket exactly once, in order.
      const changes = store
        .pendingOutgoing(100_000)
        .filter((m) => m.topic === 'oc.tickets')
        .map((m) => JSON.parse(m.value.toString('utf8')) as { kind: string; ticket?: Ticket })
        .filter((m) => m.kind === 'ticket.change');
      for (const t of tickets) {
        const versions = changes.filter((c) => c.ticket!.id === t.id).map((c) => c.ticket!.version);
        expect(versions).toEqual(Array.from({ length: t.version }, (_, i) => i + 1));
      }
    } finally {
      store.close();
    }
  }, 120_000);
});
