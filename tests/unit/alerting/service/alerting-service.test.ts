import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import { DEFAULT_SLA, makeTicketPolicy } from '../../../../services/alerting/domain/tickets/policy.ts';
import type { Ticket, TimelineEntry } from '../../../../services/alerting/domain/tickets/types.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import type { LogRecord } from '../../../../services/event-log/port.ts';
import type { DeadLetter } from '../../../../services/shared/dead-letter.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../../services/shared/topics.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';

/**
 * The application service over the real SQLite store (in memory) and a manual
 * clock: what reaches `oc.tickets`, SLA timers driven by `tick`, silences, and a
 * transaction that loses the race for a fingerprint.
 */
const MIN = 60_000;
const T0 = Date.UTC(2026, 0, 15, 2, 0); // 10:00 in Jinan, mid day shift
const DOOR = 'dl8-b1-u1-door';
const devices = listDevices(loadSite()).map(toDeviceContext);
const operator = { kind: 'person', id: 'desk-op-a', role: 'operator' } as const;

let clock: ManualClock;
let store: TicketStore;
let service: AlertingService;
let offset = 0;

/** The desk dispatches by hand: these tests are about SLA paging, not the automatic P1 dispatch (issue 14). */
const MANUAL_DISPATCH = { site: { grouping: { dispatch: { autoDispatchP1: false } } } };

function makeService(s: TicketStore, overrides = {}): AlertingService {
  return new AlertingService({ store: s, engine: new RuleEngine(devices, overrides), planner: new DispatchPlanner(loadRoster()), policy: makeTicketPolicy(), clock, logger: silentLogger() });
}
beforeEach(() => {
  clock = new ManualClock(T0);
  store = SqliteAlertingStore.open({ path: ':memory:' });
  service = makeService(store);
});
afterEach(() => store.close());

const doorRecord = (id: string, type: string): LogRecord => ({
  topic: LOG_TOPICS.events,
  partition: 0,
  offset: offset++,
  key: DOOR,
  headers: {},
  timestamp: clock.now(),
  value: Buffer.from(JSON.stringify({ v: 1, id, deviceId: DOOR, kind: 'door', type, ts: new Date(clock.now()).toISOString(), seq: offset, data: {} })),
});

type Published =
  | { kind: 'ticket.change'; ticket: Ticket; entries: TimelineEntry[] }
  | { kind: 'notification'; notification: { kind: string; ticketId: string; to: Record<string, unknown> } };
/**
 * What was queued for `oc.tickets` about one ticket. (The first tick also sees the
 * rest of the site silent, which is a mass outage of its own; not this test's business.)
 */
const published = (ticketId: string): Published[] =>
  store
    .pendingOutgoing(10_000)
    .filter((m) => m.topic === LOG_TOPICS.tickets && m.key === ticketId)
    .map((m) => JSON.parse(m.value.toString('utf8')) as Published);
const changes = (ticketId: string) => published(ticketId).filter((p): p is Extract<Published, { kind: 'ticket.change' }> => p.kind === 'ticket.change');

describe('AlertingService → oc.tickets', () => {
  it('publishes every ticket change (signal, timer, command) once, with the entries that make up the whole timeline', () => {
    service = makeService(store, MANUAL_DISPATCH);
    service.handleBatch([doorRecord('e1', 'door.forced-open')]);
    const [opened] = store.listTickets({});
    expect(opened).toMatchObject({ alertType: 'door.forced-open', priority: 'P1', state: 'open' });

    clock.set(T0 + DEFAULT_SLA.P1.acknowledgeMs); // acknowledge deadline missed
    service.tick();
    clock.advance(MIN);
    expect(service.command(opened!.id, { type: 'acknowledge', actor: operator, note: 'guard on the way' })).toMatchObject({ ok: true });
    service.handleBatch([doorRecord('e2', 'door.closed')]);

    const ticket = store.getTicket(opened!.id)!;
    expect(ticket.ticket.version).toBe(4);
    const c = changes(opened!.id);
    expect(c.map((m) => m.ticket.version)).toEqual([1, 2, 3, 4]);
    expect(c.at(-1)!.ticket).toEqual(ticket.ticket);
    expect(c.flatMap((m) => m.entries)).toEqual(ticket.timeline);
    expect(ticket.timeline.map((e) => e.action)).toEqual(['opened', 'escalated', 'acknowledged', 'condition-cleared']);
    // The escalation reached the shift supervisor on duty through the same topic.
    const pages = published(opened!.id).filter((p) => p.kind === 'notification' && p.notification.kind === 'ticket.escalated');
    expect(pages.map((p) => (p.kind === 'notification' ? p.notification.to : undefined))).toEqual([{ role: 'supervisor', staffId: expect.any(String) }]);
  });

  it('pages no more about the acknowledge deadline once someone acknowledged, however often it ticks', () => {
    service = makeService(store, MANUAL_DISPATCH);
    service.handleBatch([doorRecord('e1', 'door.forced-open')]);
    const id = store.listTickets({})[0]!.id;
    clock.set(T0 + DEFAULT_SLA.P1.acknowledgeMs);
    service.tick();
    clock.advance(MIN);
    service.command(id, { type: 'acknowledge', actor: operator });
    const before = published(id).length;
    // Every minute up to just before the arrive deadline: no reminder, no escalation.
    while (clock.now() + MIN < T0 + DEFAULT_SLA.P1.arriveMs) {
      clock.advance(MIN);
      service.tick();
    }
    expect(published(id)).toHaveLength(before);
    // The arrive deadline is a new breach: that one pages.
    clock.set(T0 + DEFAULT_SLA.P1.arriveMs);
    service.tick();
    expect(store.getTicket(id)!.timeline.at(-1)).toMatchObject({ action: 'escalated', data: { breaches: ['arrive'] } });
  });

  it('a redelivered batch is recognised by event id: nothing is changed or published again', () => {
    const batch = [doorRecord('e1', 'tamper'), doorRecord('e2', 'tamper')];
    service.handleBatch(batch);
    const id = store.listTickets({})[0]!.id;
    const after = published(id).length;
    makeService(store).handleBatch(batch); // a fresh instance, as after a restart
    expect(published(id)).toHaveLength(after);
    expect(store.listTickets({})[0]).toMatchObject({ firingCount: 2, version: 2 });
  });
});

describe('AlertingService: records it cannot use', () => {
  const raw = (value: string, key = DOOR): LogRecord => ({ topic: LOG_TOPICS.events, partition: 0, offset: offset++, key, headers: {}, timestamp: clock.now(), value: Buffer.from(value) });
  const deadLetters = () =>
    store
      .pendingOutgoing(10_000)
      .filter((m) => m.topic === LOG_TOPICS.deadletter)
      .map((m) => ({ key: m.key, letter: JSON.parse(m.value.toString('utf8')) as DeadLetter }));

  it('dead-letters an unreadable record and one from a device outside its site config, with the reason and the raw bytes, and handles the rest of the batch', () => {
    const garbage = raw('{"v":1,"id":');
    const ghostEnvelope = JSON.stringify({ v: 1, id: 'g1', deviceId: 'dl9-ghost-door', kind: 'door', type: 'door.forced-open', ts: new Date(clock.now()).toISOString(), seq: 1, data: {} });
    const ghost = raw(ghostEnvelope, 'dl9-ghost-door');
    const batch = [garbage, doorRecord('e1', 'door.forced-open'), ghost];
    service.handleBatch(batch);

    expect(store.listTickets({}).map((t) => [t.alertType, t.subject.deviceId])).toEqual([['door.forced-open', DOOR]]);
    expect(store.deviceStatuses().map((s) => s.deviceId)).not.toContain('dl9-ghost-door');
    const letters = deadLetters();
    expect(letters.map((l) => [l.key, l.letter.code])).toEqual([
      [DOOR, 'OC_ENVELOPE_MALFORMED_JSON'],
      ['dl9-ghost-door', 'OC_ALERTING_UNKNOWN_DEVICE'],
    ]);
    expect(letters[0]!.letter.reason).toContain(`oc.events@${garbage.offset}`);
    expect(Buffer.from(letters[0]!.letter.payloadBase64, 'base64').toString()).toBe('{"v":1,"id":');
    expect(letters[1]!.letter).toMatchObject({ clientId: 'dl9-ghost-door', topic: LOG_TOPICS.events, reason: expect.stringContaining('dl9-ghost-door') });
    expect(Buffer.from(letters[1]!.letter.payloadBase64, 'base64').toString()).toBe(ghostEnvelope);

    // Redelivered after a restart: nothing is dead-lettered twice.
    makeService(store).handleBatch(batch);
    expect(deadLetters()).toHaveLength(2);
  });

  it('a batch of nothing but bad records still commits its dead letters and wakes the relay', () => {
    let wakes = 0;
    const woken = new AlertingService({ store, engine: new RuleEngine(devices), planner: new DispatchPlanner(loadRoster()), policy: makeTicketPolicy(), clock, logger: silentLogger(), onOutgoing: () => wakes++ });
    woken.handleBatch([raw('not json at all')]);
    expect(deadLetters().map((l) => l.letter.code)).toEqual(['OC_ENVELOPE_MALFORMED_JSON']);
    expect(wakes).toBe(1);
    expect(store.listTickets({})).toEqual([]);
  });
});

describe('AlertingService: silences', () => {
  it('a maintenance window on the device opens no ticket, is listed while active, and the next fire after it opens one', () => {
    store.putSilence({ id: 'S1', matcher: { deviceId: DOOR }, startsAt: T0, endsAt: T0 + 60 * MIN, createdBy: 'desk-sup-a', reason: 'lock replaced' });
    service.handleBatch([doorRecord('e1', 'tamper')]);
    expect(store.listTickets({})).toEqual([]);
    expect(service.suppressedBySilence).toBe(1);
    expect(store.listSilences(clock.now(), false).map((s) => s.id)).toEqual(['S1']);

    clock.set(T0 + 60 * MIN);
    expect(store.listSilences(clock.now(), false)).toEqual([]);
    service.handleBatch([doorRecord('e2', 'tamper')]);
    expect(store.listTickets({}).map((t) => t.alertType)).toEqual(['door.tamper']);
  });
});

describe('AlertingService: a lost race for a fingerprint', () => {
  it('retries on the unique-open-ticket conflict and attaches to the ticket that won, instead of opening a second', () => {
    service.handleBatch([doorRecord('e1', 'tamper')]);
    // Another instance's ticket not yet visible on the first attempt: the read misses it, the insert hits the index.
    let attempts = 0;
    const stale: TicketStore = new Proxy(store, {
      get(target, prop, receiver) {
        if (prop !== 'transaction') return Reflect.get(target, prop, receiver) as unknown;
        return (work: Parameters<TicketStore['transaction']>[0]) =>
          target.transaction((tx) => {
            attempts += 1;
            const first = attempts === 1;
            const view = new Proxy(tx, {
              get: (t, p) => {
                if (p === 'openTicket' && first) return () => undefined;
                const value = Reflect.get(t, p) as unknown;
                return typeof value === 'function' ? (value as (...a: unknown[]) => unknown).bind(t) : value;
              },
            });
            return work(view);
          });
      },
    });
    makeService(stale).handleBatch([doorRecord('e2', 'tamper')]);
    expect(attempts).toBe(2);
    const tickets = store.listTickets({});
    expect(tickets).toHaveLength(1);
    expect(tickets[0]).toMatchObject({ firingCount: 2, linkedEventCount: 2 });
    expect(changes(tickets[0]!.id).map((m) => m.ticket.version)).toEqual([1, 2]);
  });
});

describe('AlertingService: dispatch over a shift change (time travel, reference roster)', () => {
  it('a dispatch not accepted in 10 min goes to the crew now on duty, then to another of them, and stops once accepted', () => {
    const planner = new DispatchPlanner(loadRoster());
    const before = Date.parse('2026-01-15T07:50:00+08:00'); // night of crew X, handover at 08:00
    clock.set(before);
    service.handleBatch([doorRecord('e1', 'door.forced-open')]);
    const id = store.listTickets({}).find((t) => t.alertType === 'door.forced-open')!.id;
    expect(service.command(id, { type: 'dispatch', actor: operator })).toMatchObject({ ok: true, ticket: { state: 'dispatched' } });
    const first = store.getTicket(id)!.ticket.assignment as { staffId: string };
    const outgoing = planner.onDuty(before, 'security').map((s) => s.id);
    expect(outgoing).toContain(first.staffId);

    clock.set(before + 10 * MIN); // 08:00: the accept timeout and the handover at once
    service.tick();
    const incoming = planner.onDuty(clock.now(), 'security').map((s) => s.id);
    expect(incoming.some((s) => outgoing.includes(s))).toBe(false); // fixture check: a real change of crew
    const second = store.getTicket(id)!.ticket.assignment as { staffId: string };
    expect(incoming).toContain(second.staffId);
    expect(store.getTicket(id)!.timeline.slice(-2).map((e) => e.action)).toEqual(['accept-timeout', 'redispatched']);

    clock.advance(10 * MIN); // the incoming guard did not accept either: the next one of the crew
    service.tick();
    const third = store.getTicket(id)!.ticket.assignment as { staffId: string };
    expect(incoming).toContain(third.staffId);
    expect(third.staffId).not.toBe(second.staffId);

    clock.advance(MIN);
    const guard = { kind: 'person', id: third.staffId, role: 'staff' } as const;
    expect(service.command(id, { type: 'accept', actor: guard })).toMatchObject({ ok: true });
    const seq = store.getTicket(id)!.ticket.lastSeq;
    clock.advance(8 * MIN); // 08:19, still before the 30 min arrive deadline of a P1 opened at 07:50
    service.tick();
    expect(store.getTicket(id)!.ticket).toMatchObject({ lastSeq: seq, assignment: { staffId: third.staffId } });
    clock.advance(MIN); // 08:20: accepting is not arriving; the arrive breach pages the supervisor on duty
    service.tick();
    expect(store.getTicket(id)!.timeline.at(-1)).toMatchObject({ action: 'escalated', data: { breaches: ['arrive'], notified: [{ role: 'supervisor', staffId: planner.supervisorOnDuty(clock.now())!.id }] } });
  });
});

describe('a device clock far off is flagged on its status', () => {
  const stamped = (id: string, ts: string): LogRecord => ({ ...doorRecord(id, 'door.opened'), value: Buffer.from(JSON.stringify({ v: 1, id, deviceId: DOOR, kind: 'door', type: 'door.opened', ts, seq: offset, data: {} })) });

  it('sets clockSkewMs while the device says 2036, and clears it when its time is believable again', () => {
    service.handleBatch([stamped('skew-1', '2036-01-01T00:00:00Z')]);
    expect(store.deviceStatuses().find((d) => d.deviceId === DOOR)?.clockSkewMs).toBe(Date.parse('2036-01-01T00:00:00Z') - T0);
    service.handleBatch([stamped('skew-2', new Date(T0).toISOString())]);
    expect(store.deviceStatuses().find((d) => d.deviceId === DOOR)?.clockSkewMs).toBeUndefined();
  });
});
