import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { fixtureBundle } from '../../../services/admin/fixture-bundle.ts';
import { patchPerson } from '../../../services/admin/people.ts';
import type { StoredRoster } from '../../../services/admin/stored-roster.ts';
import { withScopeSettings } from '../../../services/admin/rules.ts';
import { createAlerting, type Alerting } from '../../../services/alerting/compose.ts';
import { toDeviceContext } from '../../../services/alerting/device-context.ts';
import { alertingConfigOf, followAlertingConfig } from '../../../services/alerting/live-config.ts';
import type { ConfigFollowing } from '../../../services/config-store/config-follower.ts';
import { openConfigStore, type RunningConfigStore } from '../../../services/config-store/open-config-store.ts';
import { seedFromFixture } from '../../../services/config-store/seed.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import type { RulesItem } from '../../../services/admin/rules.ts';
import { pollUntil } from '../../support/poll-until.ts';

/**
 * The running alerting service on the config store, over a real SQLite log: a roster edit
 * written to the store reaches it through oc.config and changes who is dispatched next,
 * without a restart; a disabled guard's dispatch goes back to the desk; a rule change
 * takes effect without touching the open ticket.
 */
const T0 = Date.UTC(2026, 11, 7, 6, 0); // 14:00 in Jinan
const bundle = fixtureBundle();
const devices = listDevices(bundle.site);
const who = { actor: 'admin', address: '127.0.0.1' };
const operator = { kind: 'person', id: 'sun-li', role: 'operator' } as const;

let dir: string;
let log: SqliteEventLog;
let config: RunningConfigStore;
let alerting: Alerting;
let following: ConfigFollowing;
let clock: ManualClock;
let seq = 0;

beforeEach(async () => {
  dir = mkdtempSync(join(tmpdir(), 'oc-live-roster-'));
  clock = new ManualClock(T0);
  log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
  await log.ensureTopics(PLATFORM_TOPICS);
  config = openConfigStore({ path: join(dir, 'config.db'), log, clock, logger: silentLogger() });
  seedFromFixture(config.store, { site: bundle.site, roster: bundle.roster, rules: bundle.rules, tickets: bundle.tickets, users: bundle.users });
  alerting = await createAlerting({ log, devices, storePath: join(dir, 'alerting.db'), clock, logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', stored: alertingConfigOf(config.store) });
  following = await followAlertingConfig({ source: config.store, log, service: alerting.runtime.service, logger: silentLogger() });
});
afterEach(async () => {
  await following.close();
  await alerting.runtime.close();
  await config.close();
  await log.close();
  rmSync(dir, { recursive: true, force: true });
});

async function forcedDoor(deviceId: string) {
  const envelope = { v: 1, id: `${deviceId}-${seq}`, deviceId, kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: seq++, data: {} };
  await log.append(LOG_TOPICS.events, [{ key: deviceId, value: JSON.stringify(envelope) }]);
  return pollUntil(`a ticket for ${deviceId}`, () => alerting.store.listTickets({}).find((t) => t.subject.deviceId === deviceId));
}
function dispatch(ticketId: string): string {
  const decision = alerting.runtime.service.command(ticketId, { type: 'dispatch', actor: operator });
  if (!decision.ok) throw new Error(decision.error.message);
  return decision.ticket.assignment?.kind === 'staff' ? decision.ticket.assignment.staffId : '';
}
function editRoster(edit: (r: StoredRoster) => StoredRoster): number {
  const item = config.store.get<StoredRoster>('roster', 'roster')!;
  return config.store.put('roster', 'roster', edit(item.value), item.version, who).version;
}

describe('a roster edit through the config store', () => {
  it('changes who is dispatched next, without a restart', async () => {
    const first = await forcedDoor('dl8-b1-u1-door');
    const guard = dispatch(first.id);
    expect(alerting.planner.staff(guard)?.teamId).toBe('security');
    alerting.runtime.service.command(first.id, { type: 'cancel', actor: operator, note: 'test: the guard is free again' });

    // Move the guard to another crew of the 24-hour rota: off duty now.
    const member = bundle.roster.staff.find((m) => m.id === guard)! as unknown as { crew: string };
    const otherCrew = ['a', 'b', 'c'].find((c) => c !== member.crew)!;
    const version = editRoster((r) => patchPerson(r, guard, { crew: otherCrew }).roster);
    await following.reached('roster', 'roster', version);

    const second = await forcedDoor('dl8-b1-u2-door');
    const next = dispatch(second.id);
    expect(next).not.toBe(guard);
    expect(alerting.planner.staff(next)?.teamId).toBe('security');
  });

  it('a disabled guard\'s open dispatch returns to the desk, with a timeline entry', async () => {
    const ticket = await forcedDoor('dl8-b2-u1-door');
    const guard = dispatch(ticket.id);
    const version = editRoster((r) => patchPerson(r, guard, { disabled: true }).roster);
    await following.reached('roster', 'roster', version);
    const back = alerting.store.getTicket(ticket.id)!;
    expect(back.ticket).toMatchObject({ state: 'acknowledged' });
    expect(back.ticket.assignment).toBeUndefined();
    expect(back.timeline.at(-1)).toMatchObject({ action: 'returned-to-desk', data: { staffId: guard } });
    expect(alerting.planner.onDuty(clock.now()).map((m) => m.id)).not.toContain(guard);
  });

  it('a rule change applies live and leaves the open ticket as it is', async () => {
    const ticket = await forcedDoor('dl8-b3-u1-door');
    const before = alerting.store.getTicket(ticket.id)!.ticket.version;
    const item = config.store.get<RulesItem>('rules', 'rules')!;
    const rules = withScopeSettings(item.value, { compoundId: 'dl8' }, { door: { heldOpenMs: 30_000 } }, ['dl8'], devices.map(toDeviceContext));
    const version = config.store.put('rules', 'rules', rules, item.version, who).version;
    await following.reached('rules', 'rules', version);
    alerting.runtime.tick();
    expect(alerting.store.listTickets({}).filter((t) => t.subject.deviceId === 'dl8-b3-u1-door')).toHaveLength(1);
    expect(alerting.store.getTicket(ticket.id)!.ticket.version).toBe(before);
  });
});
