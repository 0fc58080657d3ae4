import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, expect, it } from 'vitest';
import { bootConfigStore, type BootedConfig } from '../../../services/config-store/boot.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { REFERENCE_SITE_PATH } from '../../../services/site/load.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';

/** The gateway and alerting processes of a split deployment boot one data dir: only the first seeds it, the other runs on what it wrote. */
let dir: string;
let log: SqliteEventLog;
const booted: BootedConfig[] = [];
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-boot-race-'));
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
});
afterEach(async () => {
  for (const b of booted.splice(0)) await b.config.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

it('seeds a new data dir once: a second process booting it, the first still open, runs on that configuration', () => {
  const boot = () => bootConfigStore({ path: join(dir, 'config.db'), fixture: { siteFile: REFERENCE_SITE_PATH }, log, clock: new ManualClock(0), logger: silentLogger() });
  const first = boot();
  booted.push(first);
  expect(first.seeded).toBe(true);
  const second = boot();
  booted.push(second);
  expect(second.seeded).toBe(false);
  expect(second.config.store.list('device').length).toBe(first.config.store.list('device').length);
  expect(first.config.store.audit({ actor: 'system:seed' }).filter((e) => e.kind === 'site')).toHaveLength(1);
});
