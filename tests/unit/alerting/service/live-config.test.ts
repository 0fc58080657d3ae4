import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import type { Roster } from '../../../../services/alerting/domain/dispatch/types.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import { makeTicketPolicy } from '../../../../services/alerting/domain/tickets/policy.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import type { LogRecord } from '../../../../services/event-log/port.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../../services/shared/topics.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';

/**
 * Configuration applied to a running alerting service (what oc.config drives): a roster edit
 * changes who is dispatched next, a disabled person's dispatches go back to the desk, and a
 * rule change takes effect without reopening or duplicating a ticket.
 */
const T0 = Date.UTC(2026, 0, 15, 2, 0); // 10:00 in Jinan
const devices = listDevices(loadSite()).map(toDeviceContext);
const operator = { kind: 'person', id: 'sun-li', role: 'operator' } as const;

let clock: ManualClock;
let store: TicketStore;
let service: AlertingService;
let planner: DispatchPlanner;
let offset = 0;

beforeEach(() => {
  clock = new ManualClock(T0);
  store = SqliteAlertingStore.open({ path: ':memory:' });
  planner = new DispatchPlanner(loadRoster());
  service = new AlertingService({ store, engine: new RuleEngine(devices), planner, policy: makeTicketPolicy(), clock, logger: silentLogger() });
});
afterEach(() => store.close());

const doorEvent = (deviceId: string, type: string): LogRecord => ({
  topic: LOG_TOPICS.events,
  partition: 0,
  offset: offset++,
  key: deviceId,
  headers: {},
  timestamp: clock.now(),
  value: Buffer.from(JSON.stringify({ v: 1, id: `e${offset}`, deviceId, kind: 'door', type, ts: new Date(clock.now()).toISOString(), seq: offset, data: {} })),
});

/** A forced door, dispatched by the desk to whoever the roster picks; the ticket. */
function forcedDoorDispatched(deviceId: string) {
  service.handleBatch([doorEvent(deviceId, 'door.forced-open')]);
  const ticket = store.listTickets({}).find((t) => t.subject.deviceId === deviceId)!;
  const decision = service.command(ticket.id, { type: 'dispatch', actor: operator });
  expect(decision.ok).toBe(true);
  return store.getTicket(ticket.id)!.ticket;
}
const assigneeOf = (t: { assignment?: { kind: string; staffId?: string } | undefined }) => (t.assignment?.kind === 'staff' ? t.assignment.staffId : undefined);
const without = (roster: Roster, staffId: string): Roster => ({ ...roster, staff: roster.staff.filter((m) => m.id !== staffId) });

describe('a roster edit applied live', () => {
  it('changes who is dispatched next, without a restart', () => {
    const first = forcedDoorDispatched('dl8-b1-u1-door');
    const guard = assigneeOf(first)!;
    expect(planner.staff(guard)?.teamId).toBe('security');

    // The guard moves to another crew: the next forced door goes to someone on duty now, not to them.
    const roster = planner.roster;
    const member = roster.staff.find((m) => m.id === guard)!;
    const otherCrew = roster.schedules.find((s) => s.id === member.scheduleId)!.crews.find((c) => c.id !== member.crew)!.id;
    service.reconfigure({ roster: { ...roster, staff: roster.staff.map((m) => (m.id === guard ? { ...m, crew: otherCrew } : m)) } });
    // Their load is now 1, so they would not have been picked anyway; free it to make the point.
    service.command(first.id, { type: 'cancel', actor: operator, note: 'test: free the guard' });

    const second = forcedDoorDispatched('dl8-b1-u2-door');
    expect(assigneeOf(second)).toBeDefined();
    expect(assigneeOf(second)).not.toBe(guard);
    expect(planner.onDuty(clock.now(), 'security').map((m) => m.id)).not.toContain(guard);
  });

  it('a disabled person loses their open dispatches to the desk, with a timeline entry', () => {
    const ticket = forcedDoorDispatched('dl8-b1-u1-door');
    const guard = assigneeOf(ticket)!;
    clock.advance(60_000);
    service.reconfigure({ roster: without(planner.roster, guard) });

    const back = store.getTicket(ticket.id)!;
    expect(back.ticket.state).toBe('acknowledged');
    expect(back.ticket.assignment).toBeUndefined();
    expect(back.timeline.at(-1)).toMatchObject({ action: 'returned-to-desk', fromState: 'dispatched', toState: 'acknowledged', actor: { kind: 'system' }, data: { staffId: guard } });
    // The desk's next dispatch picks someone else, never the disabled guard.
    expect(service.command(ticket.id, { type: 'dispatch', actor: operator }).ok).toBe(true);
    expect(assigneeOf(store.getTicket(ticket.id)!.ticket)).not.toBe(guard);
  });
});

describe('a rule change applied live', () => {
  const heldOpen = () => store.listTickets({}).filter((t) => t.alertType === 'door.held-open');
  const DOOR = 'dl8-b2-u1-door';
  // These tests are about the held-open threshold, so a held-open alert is a ticket at once (its default waits 5 min).
  const site = (door: { heldOpenMs: number }) => ({ site: { door, tickets: { 'door.held-open': { when: 'immediately' as const } } } });
  beforeEach(() => service.reconfigure({ ruleOverrides: site({ heldOpenMs: 60_000 }) }));

  it('takes effect at the next tick', () => {
    service.handleBatch([doorEvent(DOOR, 'door.opened')]);
    clock.advance(40_000);
    service.tick();
    expect(heldOpen()).toHaveLength(0); // under the default 60 s
    service.reconfigure({ ruleOverrides: site({ heldOpenMs: 30_000 }) });
    service.tick();
    expect(heldOpen()).toHaveLength(1);
  });

  it('never reopens or duplicates a ticket', () => {
    service.handleBatch([doorEvent(DOOR, 'door.opened')]);
    clock.advance(61_000);
    service.tick();
    const [ticket] = heldOpen();
    expect(ticket).toBeDefined();
    const entries = store.getTicket(ticket!.id)!.timeline.length;

    // Shorter, then longer than the time the door has stood open: the condition neither fires again nor clears.
    for (const heldOpenMs of [10_000, 600_000, 10_000]) {
      service.reconfigure({ ruleOverrides: site({ heldOpenMs }) });
      clock.advance(5_000);
      service.tick();
    }
    expect(heldOpen()).toHaveLength(1);
    expect(store.getTicket(ticket!.id)!.timeline.filter((e) => e.action === 're-fired' || e.action === 'reopened')).toEqual([]);

    // Closed: it resolves; rule changes after that do not bring it back.
    service.handleBatch([doorEvent(DOOR, 'door.closed')]);
    expect(store.getTicket(ticket!.id)!.ticket.state).toBe('resolved');
    const version = store.getTicket(ticket!.id)!.ticket.version;
    service.reconfigure({ ruleOverrides: { site: { door: { heldOpenMs: 1_000 } } } });
    clock.advance(5_000);
    service.tick();
    expect(heldOpen()).toHaveLength(1);
    expect(store.getTicket(ticket!.id)!.ticket.version).toBe(version);
    expect(entries).toBeGreaterThan(0);
  });

  it('a value out of range is refused and the settings in force stay', () => {
    let caught: unknown;
    try {
      service.reconfigure({ ruleOverrides: { site: { door: { heldOpenMs: -5 } } } });
    } catch (err) {
      caught = err;
    }
    expect(isOcError(caught, 'OC_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toMatch(/door\.heldOpenMs must be a positive number/);
    service.handleBatch([doorEvent(DOOR, 'door.opened')]);
    clock.advance(40_000);
    service.tick();
    expect(heldOpen()).toHaveLength(0); // still the default 60 s
  });
});
