import { describe, expect, it } from 'vitest';
import { joinReport, joinSignal, openFromReport, reportTicketFor, type ReportFacts } from '../../../../services/alerting/domain/reports/intake.ts';
import { reportTally } from '../../../../services/alerting/domain/reports/tally.ts';
import { applySignal, openFromSignal } from '../../../../services/alerting/domain/tickets/index.ts';
import { MIN, T0, fakeContext, ok, operator, signal, system } from '../tickets/fixtures.ts';

const at = { communityId: 'dianliu-8', compoundId: 'dl8-c1', deviceId: undefined, groupId: undefined, buildingId: undefined, placeId: 'mh-1' };
const facts = (n: number, source: ReportFacts['source'] = 'resident'): ReportFacts => ({
  reportId: `R${n}`,
  source,
  category: 'drainage',
  subject: at,
  placeName: { zh: '3号井', en: 'Manhole 3' },
  description: `井盖冒水 ${n}`,
  actor: source === 'call' ? operator : system,
});

/** Three residents, then a call: one ticket of four reports. */
function peoplesTicket() {
  const ctx = fakeContext();
  let t = ok(openFromReport(facts(1), 'T1', T0, ctx)).ticket;
  t = ok(joinReport(t, facts(2), T0 + MIN)).ticket;
  t = ok(joinReport(t, facts(3, 'call'), T0 + 2 * MIN)).ticket;
  return { ctx, t };
}

describe('the report tally on a ticket', () => {
  it('counts every report and keeps each source once, in order of arrival', () => {
    const { t } = peoplesTicket();
    expect(t.reports).toEqual({ count: 3, sources: ['resident', 'call'] });
  });

  it('counts a sensor ticket nobody reported as one report, by the sensor, and a report on it as the second', () => {
    const ctx = fakeContext();
    const sensor = ok(openFromSignal(signal(), 'T2', T0, ctx)).ticket;
    expect(sensor.reports).toBeUndefined();
    expect(reportTally(sensor)).toEqual({ count: 1, sources: ['sensor'] });
    expect(ok(joinReport(sensor, facts(4), T0 + MIN)).ticket.reports).toEqual({ count: 2, sources: ['sensor', 'resident'] });
  });
});

describe('a sensor alert after people reported', () => {
  it('finds the open people’s ticket of its category at its place, not one elsewhere, of another category or already joined', () => {
    const { t } = peoplesTicket();
    const fire = signal({ category: 'drainage', subject: { ...at, deviceId: 'dl8-m1' } });
    expect(reportTicketFor([t], fire)?.id).toBe('T1');
    expect(reportTicketFor([t], signal({ subject: { ...at, placeId: 'mh-2' } }))).toBeUndefined();
    expect(reportTicketFor([t], signal({ category: 'security', subject: at }))).toBeUndefined();
    expect(reportTicketFor([{ ...t, state: 'resolved' }], fire)).toBeUndefined();
    expect(reportTicketFor([t], { ...fire, action: 'clear' })).toBeUndefined();
    const joined = ok(joinSignal(t, fire, T0 + 3 * MIN, fakeContext())).ticket;
    expect(reportTicketFor([joined], signal({ fingerprint: 'dl8-c1/dl8-m1/drain.level-critical' }))).toBeUndefined();
  });

  it('joins it: the sensor’s fingerprint, device and event, one more report, its higher priority, and word to the operators', () => {
    const { ctx, t } = peoplesTicket();
    const fire = signal({ priority: 'P1', subject: { ...at, deviceId: 'dl8-m1' } });
    const { ticket, entries, notifications } = ok(joinSignal(t, fire, T0 + 3 * MIN, ctx));
    expect(ticket).toMatchObject({ id: 'T1', fingerprint: fire.fingerprint, priority: 'P1', conditionActive: true, reports: { count: 4, sources: ['resident', 'call', 'sensor'] }, subject: { deviceId: 'dl8-m1', placeId: 'mh-1' } });
    expect(ticket.linkedEventIds).toContain(fire.eventId);
    expect(entries.map((e) => e.action)).toEqual(['commented', 'priority-raised']);
    expect(entries[0]!.data).toMatchObject({ report: { source: 'sensor', alertType: 'drain.level-warning', eventId: fire.eventId } });
    expect(notifications.some((n) => n.kind === 'ticket.changed' && n.message.en.includes("sensor's alert joins ticket T1"))).toBe(true);
  });

  it('then lives as the sensor’s ticket: a repeat fire counts on it, and its clear does not resolve what people reported', () => {
    const { ctx, t } = peoplesTicket();
    const fire = signal({ subject: { ...at, deviceId: 'dl8-m1' } });
    const joined = ok(joinSignal(t, fire, T0 + 3 * MIN, ctx)).ticket;
    const again = ok(applySignal(joined, signal({ subject: fire.subject }), T0 + 4 * MIN, ctx)).ticket;
    expect(again.firingCount).toBe(joined.firingCount + 1);
    const cleared = ok(applySignal(again, signal({ action: 'clear', subject: fire.subject, autoResolve: true }), T0 + 5 * MIN, ctx)).ticket;
    expect(cleared).toMatchObject({ state: 'open', conditionActive: false });
    // A sensor's own ticket still resolves itself on its clear.
    const own = ok(openFromSignal(signal({ fingerprint: 'x/y/drain.level-warning' }), 'T3', T0, ctx)).ticket;
    expect(ok(applySignal(own, signal({ fingerprint: 'x/y/drain.level-warning', action: 'clear', autoResolve: true }), T0 + MIN, ctx)).ticket.state).toBe('resolved');
  });
});
