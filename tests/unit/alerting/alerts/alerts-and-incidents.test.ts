/**
 * Alerts are signals, tickets are work (issue 14), through the real service and SQLite store
 * (in memory) on a manual clock that the tests move: when a rule's alert becomes a ticket,
 * the storm incident and its children, inhibition under a mass outage, the night motion
 * digest, and every P1 reaching a named person from the roster at that moment.
 */
import { beforeEach, afterEach, describe, expect, it } from 'vitest';
import { AlertingService, type TicketStore } from '../../../../services/alerting/alerting-service.ts';
import { toDeviceContext } from '../../../../services/alerting/device-context.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import type { AlertType, DeviceContext } from '../../../../services/alerting/domain/model.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import type { RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { compoundSubject, deviceSignal, makeSignal } from '../../../../services/alerting/domain/rules/signals.ts';
import { makeTicketPolicy } from '../../../../services/alerting/domain/tickets/policy.ts';
import type { Ticket } from '../../../../services/alerting/domain/tickets/types.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { SqliteAlertingStore } from '../../../../services/alerting/store/sqlite-alerting-store.ts';
import { ManualClock } from '../../../../services/shared/clock.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';
import { listDevices } from '../../../../services/site/devices.ts';
import { loadSite } from '../../../../services/site/load.ts';

const SEC = 1000;
const MIN = 60 * SEC;
/** 2026-07-15 14:00 in Jinan (UTC+8): the day shift. */
const DAY = Date.parse('2026-07-15T14:00:00+08:00');
/** 01:00 the following night: quiet hours. */
const NIGHT = Date.parse('2026-07-16T01:00:00+08:00');
const devices = listDevices(loadSite()).map(toDeviceContext);
const dev = (id: string): DeviceContext => devices.find((d) => d.deviceId === id)!;
const roster = loadRoster();
const planner = new DispatchPlanner(roster);

let clock: ManualClock;
let store: TicketStore;
let service: AlertingService;
let n = 0;

/**
 * The tests raise what the rules would; the site's own devices send nothing, so their heartbeat
 * and stale-sensor rules are pushed out of the way (else the first tick would see a silent site).
 */
const QUIET_SITE = { offline: { heartbeatTimeoutMs: 30 * 24 * 60 * MIN }, drain: { staleMs: 30 * 24 * 60 * MIN } };

function start(at: number, overrides: RuleSettingsOverrides = {}, rosterPlanner = planner): void {
  clock = new ManualClock(at);
  store = SqliteAlertingStore.open({ path: ':memory:' });
  const withQuiet = { ...overrides, site: { ...QUIET_SITE, ...overrides.site } } as RuleSettingsOverrides;
  service = new AlertingService({ store, engine: new RuleEngine(devices, withQuiet), planner: rosterPlanner, policy: makeTicketPolicy(), clock, logger: silentLogger() });
}
afterEach(() => store.close());

/** A rule's fire or clear for a device, at the clock's now. */
function raise(action: 'fire' | 'clear', type: AlertType, deviceId: string, details: Record<string, unknown> = {}, fingerprint?: string): void {
  const d = dev(deviceId);
  const s = deviceSignal(action, type, d, clock.now(), `e${++n}`, { zh: `${d.name.zh} ${type}`, en: `${d.name.en} ${type}` }, details);
  service.raise(fingerprint ? { ...s, fingerprint } : s);
}
const outage = (action: 'fire' | 'clear'): void =>
  service.raise(makeSignal({ action, alertType: 'site.mass-outage', subject: compoundSubject('dianliu-8', 'dl8'), at: clock.now(), eventId: `o${++n}`, summary: { zh: '停电', en: 'power cut' }, details: {} }));
const level = (action: 'fire' | 'clear', deviceId: string, type: AlertType = 'drain.level-warning') => raise(action, type, deviceId, {}, `dl8/${deviceId}/drain.level`);

const tickets = (): Ticket[] => store.listTickets({ limit: 500 }).sort((a, b) => a.openedAt - b.openedAt || a.id.localeCompare(b.id));
const types = () => tickets().map((t) => t.alertType);
const at = (ms: number) => {
  clock.set(ms);
  service.tick();
};

describe('when an alert becomes a ticket: each rule says, in its settings', () => {
  const DOOR = 'dl8-b1-u1-door';
  const cases: { name: string; when: unknown; steps: [atS: number, what: 'fire' | 'clear' | 'tick'][]; ticketAtS: number | undefined }[] = [
    { name: 'immediately: the first fire', when: 'immediately', steps: [[0, 'fire']], ticketAtS: 0 },
    { name: 'never: not even when it persists for an hour', when: 'never', steps: [[0, 'fire'], [3600, 'tick']], ticketAtS: undefined },
    { name: 'afterMinutes 5: not at 4 min, at the first tick from 5 min on', when: { afterMinutes: 5 }, steps: [[0, 'fire'], [240, 'tick'], [300, 'tick']], ticketAtS: 300 },
    { name: 'afterMinutes 5: an alert that cleared at 3 min never becomes one', when: { afterMinutes: 5 }, steps: [[0, 'fire'], [180, 'clear'], [600, 'tick']], ticketAtS: undefined },
    { name: 'occurrences 3 within 10 min: the third fire', when: { occurrences: { count: 3, withinMinutes: 10 } }, steps: [[0, 'fire'], [60, 'clear'], [120, 'fire'], [180, 'clear'], [240, 'fire']], ticketAtS: 240 },
    { name: 'occurrences 3 within 10 min: three fires spread over 20 min are not', when: { occurrences: { count: 3, withinMinutes: 10 } }, steps: [[0, 'fire'], [60, 'clear'], [600, 'fire'], [660, 'clear'], [1200, 'fire']], ticketAtS: undefined },
  ];
  it.each(cases)('$name', ({ when, steps, ticketAtS }) => {
    start(DAY, { site: { tickets: { 'door.tamper': { when } } } } as RuleSettingsOverrides);
    for (const [s, what] of steps) {
      clock.set(DAY + s * SEC);
      if (what === 'tick') service.tick();
      else raise(what, 'door.tamper', DOOR);
    }
    const opened = tickets().filter((t) => t.alertType === 'door.tamper');
    expect(opened.map((t) => (t.openedAt - DAY) / SEC)).toEqual(ticketAtS === undefined ? [] : [ticketAtS]);
    // Ticket or not, every fire is an alert the desk can see.
    const alerts = store.listAlerts({ alertTypes: ['door.tamper'] });
    expect(alerts.length).toBeGreaterThan(0);
    expect(alerts.every((a) => (a.disposition.kind === 'ticket') === (a.id === alerts.find((x) => x.disposition.kind === 'ticket')?.id))).toBe(true);
  });

  it('the waiting alert is persisted: a restarted service opens its ticket when the minutes are up', () => {
    start(DAY, { site: { tickets: { 'door.tamper': { when: { afterMinutes: 5 } } } } });
    raise('fire', 'door.tamper', DOOR);
    expect(store.listAlerts({ states: ['firing'] })[0]).toMatchObject({ alertType: 'door.tamper', disposition: { kind: 'alert-only', why: 'waiting' } });
    const restarted = new AlertingService({ store, engine: new RuleEngine(devices, { site: { ...QUIET_SITE, tickets: { 'door.tamper': { when: { afterMinutes: 5 } } } } }), planner, policy: makeTicketPolicy(), clock, logger: silentLogger() });
    clock.set(DAY + 5 * MIN);
    restarted.tick();
    expect(types()).toEqual(['door.tamper']);
  });

  it.each([
    [{ 'door.tamper': { when: 'sometimes' } }, 'tickets.door.tamper.when'],
    [{ 'door.tamper': { when: { afterMinutes: 0 } } }, 'tickets.door.tamper.when.afterMinutes'],
    [{ 'door.tamper': { when: { occurrences: { count: 2.5, withinMinutes: 10 } } } }, 'tickets.door.tamper.when.occurrences.count'],
    [{ 'door.nonsense': { when: 'never' } }, 'tickets.door.nonsense'],
    [{ 'door.forced-open': { when: 'immediately', acceptWithinMs: -1 } }, 'tickets.door.forced-open.acceptWithinMs'],
  ])('refuses a bad setting at start, naming the key: %j', (tickets, key) => {
    let err: unknown;
    try {
      new RuleEngine(devices, { site: { tickets } } as unknown as RuleSettingsOverrides);
    } catch (e) {
      err = e;
    }
    expect(isOcError(err, 'OC_CONFIG_INVALID')).toBe(true);
    expect((err as Error).message).toContain(key);
  });
});

describe('a storm is ONE incident ticket with a child line per manhole', () => {
  beforeEach(() => start(DAY));

  it('manholes rising fast are alerts until three rise together; then one storm incident holds them all, and only a manhole that reaches warning has a drain ticket, linked to it', () => {
    raise('fire', 'drain.rapid-rise', 'dl8-drain-m1');
    at(DAY + 2 * MIN);
    raise('fire', 'drain.rapid-rise', 'dl8-drain-m2');
    expect(tickets()).toEqual([]);
    at(DAY + 4 * MIN);
    raise('fire', 'drain.rapid-rise', 'dl8-drain-m3');
    at(DAY + 5 * MIN);
    raise('fire', 'drain.rapid-rise', 'dl8-drain-m4');
    raise('clear', 'drain.rapid-rise', 'dl8-drain-m1');
    expect(types()).toEqual(['site.storm']);
    const storm = tickets()[0]!;
    expect(storm).toMatchObject({ priority: 'P2', category: 'drainage', subject: { groupId: 'dl8', compoundId: 'dl8' } });
    expect(storm.children!.map((c) => [c.deviceId, c.alertState]).sort()).toEqual([
      ['dl8-drain-m1', 'resolved'],
      ['dl8-drain-m2', 'firing'],
      ['dl8-drain-m3', 'firing'],
      ['dl8-drain-m4', 'firing'],
    ]);

    // M3 is blocked: it reaches warning. Its ticket is the storm's child; the others drain away.
    at(DAY + 12 * MIN);
    level('fire', 'dl8-drain-m3');
    const drain = tickets().filter((t) => t.alertType === 'drain.level-warning');
    expect(drain.map((t) => [t.subject.deviceId, t.parentId])).toEqual([['dl8-drain-m3', storm.id]]);
    expect(store.childTickets(storm.id).map((t) => t.id)).toEqual([drain[0]!.id]);
    const after = store.getTicket(storm.id)!;
    expect(after.ticket.children!.find((c) => c.deviceId === 'dl8-drain-m3')!.ticketId).toBe(drain[0]!.id);
    // The manhole's own rapid rise is evidence on its drain ticket.
    expect(drain[0]!.evidence?.map((e) => [e.alertType, e.why])).toEqual([['drain.rapid-rise', 'signal']]);
    for (const m of ['dl8-drain-m2', 'dl8-drain-m3', 'dl8-drain-m4']) raise('clear', 'drain.rapid-rise', m);
    expect(types().sort()).toEqual(['drain.level-warning', 'site.storm']);

    // The storm passes once nothing rises for 30 min and the child ticket is done.
    at(DAY + 50 * MIN);
    expect(store.getTicket(storm.id)!.ticket.state).toBe('open');
    level('clear', 'dl8-drain-m3');
    at(DAY + 51 * MIN);
    expect(store.getTicket(storm.id)!.ticket).toMatchObject({ state: 'resolved', conditionActive: false });
  });

  it('one manhole rising fast alone stays an alert on the strip: no ticket at all', () => {
    raise('fire', 'drain.rapid-rise', 'dl8-drain-m5');
    at(DAY + 10 * MIN);
    raise('clear', 'drain.rapid-rise', 'dl8-drain-m5');
    expect(tickets()).toEqual([]);
    expect(store.listAlerts({}).map((a) => [a.alertType, a.state, a.disposition.kind])).toEqual([['drain.rapid-rise', 'resolved', 'alert-only']]);
  });
});

describe('inhibition: a mass outage holds back the alerts of its dark devices', () => {
  beforeEach(() => start(DAY, { site: { grouping: { dispatch: { autoDispatchP1: false, afterMs: 30_000 } } } }));

  it('offline, video-loss and stale-sensor alerts are evidence on the outage ticket; a door forced during the cut opens its P1; after power returns the still-dark camera gets its own ticket after the grace', () => {
    outage('fire');
    raise('fire', 'device.offline', 'dl8-cam-01');
    raise('fire', 'camera.video-loss', 'dl8-cam-02');
    raise('fire', 'drain.sensor-fault', 'dl8-drain-m1', { reasons: ['stale'] });
    clock.advance(MIN);
    raise('fire', 'door.forced-open', 'dl8-b1-u1-door');
    expect(types()).toEqual(['site.mass-outage', 'door.forced-open']);
    const cut = tickets()[0]!;
    expect(cut.evidence!.map((e) => [e.alertType, e.deviceId, e.why])).toEqual([
      ['device.offline', 'dl8-cam-01', 'inhibited'],
      ['camera.video-loss', 'dl8-cam-02', 'inhibited'],
      ['drain.sensor-fault', 'dl8-drain-m1', 'inhibited'],
    ]);

    // Power back: cam-01 and m1 come back, cam-02 stays dark. The outage's condition clears, but
    // the ticket waits out the dark grace: only then is it known which devices did not come back.
    at(DAY + 11 * MIN);
    outage('clear');
    raise('clear', 'device.offline', 'dl8-cam-01');
    raise('clear', 'drain.sensor-fault', 'dl8-drain-m1');
    expect(store.getTicket(cut.id)!.ticket).toMatchObject({ state: 'open', conditionActive: false });
    at(DAY + 20 * MIN);
    expect(types()).toEqual(['site.mass-outage', 'door.forced-open']);
    expect(store.getTicket(cut.id)!.ticket.state).toBe('open');
    at(DAY + 21 * MIN); // 10 min of grace after the power came back
    expect(types()).toEqual(['site.mass-outage', 'door.forced-open', 'camera.video-loss']);
    expect(tickets().at(-1)!.subject.deviceId).toBe('dl8-cam-02');
    expect(store.getTicket(cut.id)!.ticket).toMatchObject({ state: 'resolved', milestones: { autoResolved: true } });
    expect(store.getTicket(cut.id)!.ticket.milestones.resolvedAt).toBe(DAY + 21 * MIN);
  });
});

describe('night motion: one digest per compound and night, or evidence on a nearby door incident', () => {
  beforeEach(() => start(NIGHT, { site: { grouping: { dispatch: { autoDispatchP1: false, afterMs: 30_000 } } } }));
  const motion = (cam: string, zone: string, lingering = false) =>
    raise('fire', 'camera.quiet-hours-motion', cam, { zone, localTime: '01:00', snapshotUri: `rtsp://snap/${cam}`, lingering });

  it('a resident walking home is an alert on the strip, not a ticket: the digest waits for someone lingering', () => {
    motion('dl8-cam-05', 'lane');
    at(NIGHT + 20 * MIN);
    raise('clear', 'camera.quiet-hours-motion', 'dl8-cam-05');
    motion('dl8-cam-09', 'doorways');
    expect(tickets()).toEqual([]);
    expect(store.listAlerts({}).map((a) => [a.subject.deviceId, a.disposition.kind])).toEqual(
      expect.arrayContaining([
        ['dl8-cam-05', 'alert-only'],
        ['dl8-cam-09', 'alert-only'],
      ]),
    );
  });

  it('every burst of the night lands on ONE low-priority digest, with camera, zone, time and snapshot; the next night has its own', () => {
    motion('dl8-cam-05', 'lane', true);
    at(NIGHT + 20 * MIN);
    raise('clear', 'camera.quiet-hours-motion', 'dl8-cam-05');
    motion('dl8-cam-09', 'lane');
    at(NIGHT + 2 * 60 * MIN);
    motion('dl8-cam-05', 'lane');
    expect(types()).toEqual(['camera.night-motion-digest']);
    const digest = tickets()[0]!;
    expect(digest).toMatchObject({ priority: 'P4', category: 'security' });
    expect(digest.title.en).toContain('night of 2026-07-15');
    expect(digest.evidence!.map((e) => [e.deviceId, e.why, e.facts?.zone, e.facts?.snapshotUri])).toEqual([
      ['dl8-cam-05', 'digest', 'lane', 'rtsp://snap/dl8-cam-05'],
      ['dl8-cam-09', 'digest', 'lane', 'rtsp://snap/dl8-cam-09'],
      ['dl8-cam-05', 'digest', 'lane', 'rtsp://snap/dl8-cam-05'],
    ]);
    at(NIGHT + 24 * 60 * MIN);
    raise('clear', 'camera.quiet-hours-motion', 'dl8-cam-05');
    motion('dl8-cam-05', 'lane');
    expect(types()).toEqual(['camera.night-motion-digest']);
    motion('dl8-cam-05', 'lane', true);
    expect(types()).toEqual(['camera.night-motion-digest', 'camera.night-motion-digest']);
    expect(tickets()[1]!.title.en).toContain('night of 2026-07-16');
  });

  it('motion in the minutes before a door is forced (the prowler seen first) becomes that incident\'s evidence', () => {
    motion('dl8-cam-07', 'doorways');
    clock.advance(MIN);
    raise('fire', 'door.forced-open', 'dl8-b4-u2-door');
    expect(types()).toEqual(['door.forced-open']);
    expect(tickets()[0]!.evidence!.map((e) => [e.deviceId, e.why, e.facts?.zone])).toEqual([['dl8-cam-07', 'nearby-incident', 'doorways']]);
    expect(store.listAlerts({}).find((a) => a.alertType === 'camera.quiet-hours-motion')!.disposition).toMatchObject({ kind: 'evidence', why: 'nearby-incident' });
  });

  it('motion long before a door incident stays an alert of its own', () => {
    motion('dl8-cam-07', 'doorways');
    at(NIGHT + 30 * MIN);
    raise('fire', 'door.forced-open', 'dl8-b4-u2-door');
    expect(tickets()[0]!.evidence ?? []).toEqual([]);
  });

  it('motion while a door is being forced nearby joins that incident as evidence, not the digest', () => {
    raise('fire', 'door.forced-open', 'dl8-gate-n-door');
    clock.advance(2 * MIN);
    motion('dl8-cam-01', 'gate');
    expect(types()).toEqual(['door.forced-open']);
    expect(tickets()[0]!.evidence!.map((e) => [e.deviceId, e.why])).toEqual([['dl8-cam-01', 'nearby-incident']]);
  });
});

describe('every P1 reaches a person: the nearest qualified on shift, then the next person and the supervisor, by name', () => {
  const DOOR = 'dl8-b3-u2-door'; // building b3: the guard posted at b3/b4 is the nearest
  const name = (id: string) => roster.staff.find((s) => s.id === id)!.name;

  it('is dispatched within 60 s to the guard posted at its building; not accepted in time it goes to the next guard and the supervisor on shift, each named', () => {
    start(DAY);
    raise('fire', 'door.forced-open', DOOR);
    const [forced] = tickets();
    expect(forced!.state).toBe('open'); // the desk's first say
    at(DAY + 30 * SEC);
    const dispatched = store.getTicket(forced!.id)!;
    expect(dispatched.ticket.state).toBe('dispatched');
    const guard = (dispatched.ticket.assignment as { staffId: string }).staffId;
    const onDuty = planner.onDuty(clock.now(), 'security');
    expect(onDuty.map((s) => s.id)).toContain(guard);
    expect(roster.staff.find((s) => s.id === guard)!.posts).toContain('b3');
    expect(dispatched.timeline.find((e) => e.action === 'dispatched')!.data).toMatchObject({ staffId: guard, reason: 'nearest qualified on shift' });

    // The forced-door rule gives 3 minutes to accept.
    at(DAY + 30 * SEC + 3 * MIN);
    const after = store.getTicket(forced!.id)!;
    const timeout = after.timeline.find((e) => e.action === 'accept-timeout')!;
    const supervisor = planner.supervisorOnDuty(clock.now())!;
    const next = (after.ticket.assignment as { staffId: string }).staffId;
    expect(next).not.toBe(guard);
    expect(onDuty.map((s) => s.id)).toContain(next);
    expect(timeout.data).toMatchObject({ staffId: guard, staffName: name(guard), redispatchedTo: next, redispatchedToName: name(next), supervisorId: supervisor.id, supervisorName: supervisor.name });
    const pages = store
      .pendingOutgoing(10_000)
      .map((m) => JSON.parse(m.value.toString('utf8')) as { kind: string; notification?: { kind: string; ticketId: string; to: Record<string, unknown> } })
      .filter((p) => p.notification?.ticketId === forced!.id && p.notification.kind === 'ticket.escalated');
    expect(pages.map((p) => p.notification!.to)).toEqual([{ role: 'supervisor', staffId: supervisor.id }]);
  });

  it('with nobody qualified on shift the ticket says so at once, as an unmet duty, and the supervisor is told by name', () => {
    const noGuards = { ...roster, staff: roster.staff.filter((s) => s.teamId !== 'security') };
    start(DAY, {}, new DispatchPlanner(noGuards));
    raise('fire', 'door.forced-open', DOOR);
    const [forced] = tickets();
    expect(forced!.unmetDuty).toMatchObject({ since: DAY, teamId: 'security', reason: { en: 'nobody qualified of Security Guards on shift' } });
    const entry = store.getTicket(forced!.id)!.timeline.find((e) => e.action === 'unmet-duty')!;
    expect(entry.data).toMatchObject({ supervisorId: planner.supervisorOnDuty(DAY)!.id, supervisorName: planner.supervisorOnDuty(DAY)!.name });
  });
});
