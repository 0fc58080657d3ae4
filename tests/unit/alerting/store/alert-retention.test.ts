/** Resolved alerts are deleted after their retention, on the alerting clock; firing ones never. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { TicketStore } from '../../../../services/alerting/alerting-service.ts';
import { createAlerting, DEFAULT_ALERT_RETENTION_DAYS } from '../../../../services/alerting/compose.ts';
import { recordSignal, type Alert } from '../../../../services/alerting/domain/alerts/alert.ts';
import { compoundSubject, makeSignal } from '../../../../services/alerting/domain/rules/signals.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import type { AlertRetention } from '../../../../services/alerting/store/alert-retention.ts';
import { loadServiceConfig } from '../../../../services/config/service-config.ts';
import { PLATFORM_TOPICS } from '../../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../../services/event-log/sqlite/sqlite-event-log.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';

const DAY = 86_400_000;
// A pinned instant: nothing here depends on when the test runs.
const T0 = Date.parse('2026-07-01T00:00:00Z');

let dir: string;
let store: SqliteAlertingStore<never, never, never> & TicketStore;
let clock: ManualClock;
let retention: AlertRetention;
let n = 0;

/** An alert of the compound that fired at `firedAt` and, unless still firing, cleared `forMs` later. */
function putAlert(firedAt: number, forMs: number | 'firing'): Alert {
  const signal = (action: 'fire' | 'clear', at: number) =>
    makeSignal({ action, alertType: 'door.held-open', subject: { ...compoundSubject('dianliu-8', 'dl8'), groupId: `door-${++n}` }, at, eventId: `e${n}`, summary: { zh: '门', en: 'door' }, details: {} });
  const fire = signal('fire', firedAt);
  let alert = recordSignal(undefined, fire, firedAt, 'immediately')!;
  if (forMs !== 'firing') alert = recordSignal(alert, { ...fire, action: 'clear' }, firedAt + forMs, 'immediately')!;
  store.transaction((tx) => tx.putAlert(alert));
  return alert;
}
const ids = () => store.listAlerts({ limit: 10_000 }).map((a) => a.id).sort();

beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-alert-retention-'));
  store = SqliteAlertingStore.open({ path: join(dir, 'alerting.db'), synchronous: 'NORMAL' }) as typeof store;
  clock = new ManualClock(T0);
  retention = store.alertRetention(clock, 30, silentLogger(), 3_600_000);
});
afterEach(async () => {
  await retention.stop();
  store.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('alert retention', () => {
  it('deletes resolved alerts whose clear is older than the retention, keeps younger ones and every firing one', async () => {
    const old = putAlert(T0 - 40 * DAY, 60_000);
    const young = putAlert(T0 - 10 * DAY, 60_000);
    const oldFiring = putAlert(T0 - 90 * DAY, 'firing');
    // Cleared just inside the 30 days: kept.
    const edge = putAlert(T0 - 30 * DAY, 1);
    expect(await retention.sweep()).toBe(1);
    expect(ids()).toEqual([young.id, oldFiring.id, edge.id].sort());
    expect(ids()).not.toContain(old.id);

    // The same pass later on the alerting clock: the edge alert and the young one age out; firing stays.
    clock.advance(25 * DAY);
    expect(await retention.sweep()).toBe(2);
    expect(ids()).toEqual([oldFiring.id]);
  });

  it('deletes a large backlog in chunks, all of it', async () => {
    for (let i = 0; i < 4_500; i++) putAlert(T0 - 60 * DAY + i, 1_000);
    putAlert(T0 - DAY, 1_000);
    expect(await retention.sweep()).toBe(4_500);
    expect(ids()).toHaveLength(1);
  });

  it('stops a pass when stopped, so the store can close right after', async () => {
    for (let i = 0; i < 100; i++) putAlert(T0 - 60 * DAY + i, 1_000);
    await retention.stop();
    // A stopped sweeper's pass gives up before its first chunk.
    expect(await retention.sweep()).toBe(0);
  });
});

describe('OC_ALERT_RETENTION_DAYS', () => {
  it('is 30 days by default, a whole number of days when set, and a bad value is refused naming it', () => {
    expect(loadServiceConfig({}).alerting.alertRetentionDays).toBe(DEFAULT_ALERT_RETENTION_DAYS);
    expect(DEFAULT_ALERT_RETENTION_DAYS).toBe(30);
    expect(loadServiceConfig({ OC_ALERT_RETENTION_DAYS: '90' }).alerting.alertRetentionDays).toBe(90);
    for (const bad of ['0', '-1', '2.5', 'a month', '5000']) {
      let thrown: unknown;
      try {
        loadServiceConfig({ OC_ALERT_RETENTION_DAYS: bad });
      } catch (err) {
        thrown = err;
      }
      expect(isOcError(thrown, 'OC_CONFIG_INVALID'), bad).toBe(true);
      expect((thrown as Error).message).toContain(`OC_ALERT_RETENTION_DAYS=${JSON.stringify(bad)}`);
    }
  });

  it('the composed alerting service sweeps with the retention it was given, on its clock, and closes cleanly', async () => {
    const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    await log.ensureTopics(PLATFORM_TOPICS);
    const path = join(dir, 'composed.db');
    const pinned = new ManualClock(T0);
    const alerting = await createAlerting({ log, devices: listDevices(loadSite()), storePath: path, clock: pinned, logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', alertRetentionDays: 7 });
    try {
      const aged = recordSignal(undefined, makeSignal({ action: 'fire', alertType: 'site.storm', subject: compoundSubject('dianliu-8', 'dl8'), at: T0 - 9 * DAY, eventId: 's', summary: { zh: '暴雨', en: 'storm' }, details: {} }), T0 - 9 * DAY, 'immediately')!;
      alerting.store.transaction((tx) => tx.putAlert({ ...aged, state: 'resolved', updatedAt: T0 - 8 * DAY }));
      expect(await alerting.alertRetention.sweep()).toBe(1);
    } finally {
      await alerting.runtime.close();
      await log.close();
    }
  });
});
