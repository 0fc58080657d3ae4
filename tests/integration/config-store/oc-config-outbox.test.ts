import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { followConfig } from '../../../services/config-store/config-follower.ts';
import { openConfigStore } from '../../../services/config-store/open-config-store.ts';
import { SqliteConfigStore } from '../../../services/config-store/sqlite-config-store.ts';
import type { ConfigEvent } from '../../../services/config-store/port.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { pollUntil } from '../../support/poll-until.ts';

/** Config changes reach `oc.config` on a real SQLite log through the outbox, and followers apply each version once. */
let dir: string;
let log: SqliteEventLog;
const clock = new ManualClock(Date.UTC(2026, 11, 7, 4, 0));
const who = { actor: 'admin', address: '127.0.0.1' };

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-config-outbox-'));
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
});
afterEach(async () => {
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

it('publishes every change in commit order and a follower applies each version once, skipping what it knew at start', async () => {
  const config = openConfigStore({ path: join(dir, 'config.db'), log, clock, logger: silentLogger() });
  config.store.put('device', 'cam-1', { placeId: 'gate-n' }, 0, who);
  config.store.put('place', 'gate-n', { type: 'gate' }, 0, who);
  const applied: ConfigEvent[] = [];
  const follower = await followConfig({
    log,
    groupId: 'test-follower',
    kinds: ['device'],
    known: [{ kind: 'device', id: 'cam-1', version: 1 }],
    apply: (e) => {
      applied.push(e);
    },
    logger: silentLogger(),
  });
  config.store.put('device', 'cam-1', { placeId: 'lane-e' }, 1, who);
  config.store.put('device', 'cam-2', { placeId: 'lane-e' }, 0, who);
  await follower.reached('device', 'cam-2', 1);
  await follower.reached('device', 'cam-1', 2);
  expect(applied.map((e) => `${e.id}@${e.version}`)).toEqual(['cam-1@2', 'cam-2@1']);
  expect(follower.versionOf('place', 'gate-n')).toBe(0);
  await follower.close();
  await config.close();
});

it('publishes at the next start what a crash left in the outbox', async () => {
  const path = join(dir, 'config.db');
  // Changes committed while no log took them (the relay never ran: as if the process died).
  const bare = SqliteConfigStore.open({ path, clock });
  bare.put('rules', 'dianliu-block8', { quietHours: '22:00-07:00' }, 0, who);
  bare.close();
  const config = openConfigStore({ path, log, clock, logger: silentLogger() });
  const seen: ConfigEvent[] = [];
  const follower = await followConfig({ log, groupId: 'after-crash', kinds: ['rules'], apply: (e) => void seen.push(e), logger: silentLogger() });
  await pollUntil('the change left in the outbox on oc.config', () => seen.length === 1);
  expect(seen[0]).toMatchObject({ kind: 'rules', id: 'dianliu-block8', version: 1, op: 'create' });
  expect(config.store.pendingOutgoing(10)).toEqual([]);
  await follower.close();
  await config.close();
});
