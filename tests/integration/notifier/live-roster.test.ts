import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../../../services/admin/fixture-bundle.ts';
import type { StoredRoster } from '../../../services/admin/stored-roster.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import type { ConfigFollowing } from '../../../services/config-store/config-follower.ts';
import { storedSettings } from '../../../services/config-store/boot.ts';
import { openConfigStore, type RunningConfigStore } from '../../../services/config-store/open-config-store.ts';
import { seedFromFixture } from '../../../services/config-store/seed.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { followNotifierRoster } from '../../../services/notifier/live-roster.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { REPO_ROOT } from '../../support/mosquitto-env.ts';
import { ProcessOutput } from '../../support/process-output.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

/**
 * The notifier's roster follower over a real SQLite config store and log: a roster edit in
 * the store reaches the planner the fan-out asks (who is on duty changes), and a malformed
 * one is logged and leaves the roster in force. And `npm run notifier` itself, as a child
 * process on a new data dir: it seeds the store, says it follows it, and stops cleanly on SIGINT.
 */
const T0 = Date.UTC(2026, 11, 7, 6, 0); // 14:00 in Jinan; the planner is asked at this pinned instant
const bundle = fixtureBundle();
const who = { actor: 'admin', address: '127.0.0.1' };

let dir: string;
let log: SqliteEventLog;
let config: RunningConfigStore;
let planner: DispatchPlanner;
let following: ConfigFollowing;
let recorded: ReturnType<typeof recordingLogger>;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-notifier-roster-'));
  const clock = new ManualClock(T0);
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
  config = openConfigStore({ path: join(dir, 'config.db'), log, clock, logger: silentLogger() });
  seedFromFixture(config.store, { site: bundle.site, roster: bundle.roster, rules: bundle.rules, tickets: bundle.tickets, users: bundle.users });
  planner = new DispatchPlanner(storedSettings(config.store).roster);
  recorded = recordingLogger('info');
  following = await followNotifierRoster({ source: config.store, log, planner, logger: recorded.logger });
});
afterEach(async () => {
  await following.close();
  await config.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function putRoster(edit: (r: StoredRoster) => unknown): Promise<number> {
  const item = config.store.get<StoredRoster>('roster', 'roster')!;
  const version = config.store.put('roster', 'roster', edit(item.value), item.version, who).version;
  await following.reached('roster', 'roster', version);
  return version;
}
const onDutyGuards = () => planner.onDuty(T0, 'security').map((m) => m.id);

describe('the notifier following the roster in the config store', () => {
  it('applies a roster edit: a disabled guard is no longer on duty', async () => {
    const before = onDutyGuards();
    expect(before.length).toBeGreaterThan(0);
    const guard = before[0]!;

    await putRoster((r) => ({ ...r, staff: r.staff.map((m) => (m.id === guard ? { ...m, disabled: true } : m)) }));

    expect(onDutyGuards()).not.toContain(guard);
    expect(planner.staff(guard)).toBeUndefined();
    expect(recorded.lines.some((l) => l.msg === 'notifier took the new roster')).toBe(true);
  });

  it('logs a malformed roster and keeps the one in force', async () => {
    const before = onDutyGuards();
    const staffBefore = planner.roster.staff.length;

    const version = await putRoster((r) => ({ ...r, staff: r.staff.map((m, i) => (i === 0 ? { ...m, disabled: 'yes' } : m)) }));

    expect(onDutyGuards()).toEqual(before);
    expect(planner.roster.staff.length).toBe(staffBefore);
    const refused = recorded.lines.find((l) => l.level === 50 && l.version === version);
    expect(refused?.msg).toMatch(/previous roster stays in force/);

    // The follower carries on: a good edit after the bad one is applied.
    const guard = before[0]!;
    await putRoster((r) => ({ ...r, staff: r.staff.map((m) => ({ ...m, disabled: m.id === guard })) }));
    expect(onDutyGuards()).not.toContain(guard);
  });
});

describe('npm run notifier as its own process', () => {
  it('boots the config store of a new data dir, follows it, and exits 0 on SIGINT', { timeout: 60_000 }, async () => {
    const dataDir = mkdtempSync(join(tmpdir(), 'oc-notifier-process-'));
    const child = spawn(process.execPath, ['--import', 'tsx', 'services/notifier/cli.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, OC_DATA_DIR: dataDir, OC_HTTP_PORT: '0', OC_PUBLIC_URL: 'http://127.0.0.1:8080', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const out = new ProcessOutput(child, 'npm run notifier');
      const line = (msg: string) => out.text.split('\n').find((l) => l.includes(`"msg":"${msg}"`));
      const following = await out.until('it follows the store', () => line('notifier following the roster in the config store'));
      expect(JSON.parse(following)).toMatchObject({ configStore: join(dataDir, 'config.db') });
      expect(line('new data dir: configuration seeded from the fixture')).toBeDefined();

      const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
      child.kill('SIGINT');
      expect(await exited).toBe(0);
    } finally {
      if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
      rmSync(dataDir, { recursive: true, force: true });
    }
  });
});
