import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { children, exited, referenceTickets, SENTINELS, startAlertingProcess, ticketContents, ticketsIn, writeStream, type TicketMessage, whileRunning } from '../../support/kill-restart.ts';
import { LogRecorder } from '../../support/log-recorder.ts';

let dir: string;
afterEach(() => {
  for (const c of children.splice(0)) if (c.exitCode === null) c.kill('SIGKILL');
  rmSync(dir, { recursive: true, force: true });
});

describe('alerting process killed mid-stream and restarted', () => {
  it('loses no ticket and duplicates none', { timeout: 120_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-kill-'));
    const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', pollIntervalMs: 20 });
    await log.ensureTopics(PLATFORM_TOPICS);
    await writeStream(log);

    // The reference: the same stream, processed once without interruption.
    const expected = await referenceTickets(join(dir, 'reference'));
    expect(expected.size).toBeGreaterThan(20);

    // The run under test: killed with SIGKILL after its first tickets, then started again.
    const published = await LogRecorder.start(log, [LOG_TOPICS.tickets]);
    const opened = () => new Set(published.json<TicketMessage>(LOG_TOPICS.tickets).filter((m) => m.kind === 'ticket.change').map((m) => m.ticket!.fingerprint));
    const first = startAlertingProcess(dir);
    await whileRunning(first, published.until(() => opened().size >= 5));
    first.kill('SIGKILL');
    await exited(first);
    const atKill = opened();
    expect(SENTINELS.some((s) => atKill.has(s))).toBe(false); // it really died mid-stream

    const second = startAlertingProcess(dir);
    await whileRunning(second, published.until(() => SENTINELS.every((s) => opened().has(s))));
    second.kill('SIGTERM');
    await exited(second);
    await published.close();
    await log.close();

    const actual = ticketsIn(join(dir, 'alerting.db'));
    const duplicates = [...actual].filter(([, n]) => n > 1);
    expect(duplicates).toEqual([]);
    expect([...actual.keys()].sort()).toEqual([...expected.keys()].sort());
    // And each says what the uninterrupted run's does: type, place, category, priority, and
    // every firing counted once (a lost or a replayed event would change the counts).
    const contents = ticketContents(join(dir, 'alerting.db'));
    expect(Object.fromEntries(contents)).toEqual(Object.fromEntries(ticketContents(join(dir, 'reference', 'alerting.db'))));
    expect(contents.get(SENTINELS[0]!)).toMatchObject({ alertType: 'door.forced-open', deviceId: 'dl8-gate-n-door', compoundId: 'dl8', category: 'security', priority: 'P1' });
    expect(contents.get(SENTINELS[1]!)).toMatchObject({ alertType: 'drain.level-critical', deviceId: 'dl8-drain-m8', category: 'drainage', priority: 'P1' });
    console.log(`kill/restart: ${atKill.size} tickets before the kill, ${actual.size} after the restart, ${expected.size} in the uninterrupted run, 0 duplicates`);
  });
});
