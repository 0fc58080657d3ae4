import { describe, expect, it } from 'vitest';
import type { Ticket, TimelineEntry } from '../../../../services/alerting/domain/tickets/types.ts';
import { formatReport } from '../../../../simulators/report/format-report.ts';
import { noiseReport, type ReportTicket } from '../../../../simulators/report/noise-report.ts';
import { parseScenario } from '../../../../simulators/scenario.ts';

const START = Date.parse('2026-07-16T01:00:00+08:00');
const at = (s: number) => START + s * 1000;

const scenario = parseScenario({
  name: 'unit',
  durationS: 7200,
  startAt: '2026-07-16T01:00:00+08:00',
  events: [
    { id: 'storm', at: 600, do: 'rainstorm', target: '*', durationS: 3600, intensityMmH: 40 },
    { id: 'cut', at: 2400, do: 'power-cut', target: 'dl8', durationS: 600 },
    { id: 'door', at: 3600, do: 'forced-open', target: 'b2-u1' },
  ],
  incidents: [
    { id: 'm3', class: 'drain', events: ['storm'], explains: [{ type: 'drain.*', target: 'm3' }] },
    { id: 'outage', class: 'outage', events: ['cut'], explains: [{ type: 'site.mass-outage' }] },
    { id: 'door', class: 'door', events: ['door'], explains: [{ type: 'door.forced-open' }] },
  ],
});

let n = 0;
function ticket(alertType: string, openedS: number, subject: Partial<Ticket['subject']>, priority = 'P2', timeline: Array<Partial<TimelineEntry>> = []): ReportTicket {
  const id = `T${++n}`;
  const t = { id, alertType, priority, openedPriority: priority, openedAt: at(openedS), subject: { deviceId: undefined, groupId: undefined, buildingId: undefined, placeId: undefined, communityId: 'dianliu', compoundId: 'dl8', ...subject } } as unknown as Ticket;
  const entries = [{ action: 'opened', at: at(openedS), actor: { kind: 'system' } }, ...timeline].map((e, i) => ({ ticketId: id, seq: i + 1, ...e })) as TimelineEntry[];
  return { ticket: t, timeline: entries };
}

const system = { kind: 'system' } as const;
const person = { kind: 'person', id: 'sun-li', role: 'operator' } as const;

describe('noise report: tickets against the scenario’s declared incidents', () => {
  const tickets = [
    ticket('drain.level-critical', 1800, { deviceId: 'dl8-drain-m3', placeId: 'm3' }, 'P1', [{ action: 'dispatched', at: at(1830), actor: person }]),
    ticket('drain.rapid-rise', 1200, { deviceId: 'dl8-drain-m5', placeId: 'm5' }, 'P2', [{ action: 'resolved', toState: 'resolved', at: at(1500), actor: system }]),
    ticket('site.mass-outage', 2460, { groupId: 'dl8' }, 'P1', [{ action: 'resolved', toState: 'resolved', at: at(3000), actor: system }]),
    ticket('door.forced-open', 3600, { deviceId: 'dl8-b2-u1-door', buildingId: 'b2', placeId: 'b2-u1' }, 'P1', [{ action: 'dispatched', at: at(3650), actor: system }]),
    // Before its incident began: the door incident cannot explain it.
    ticket('door.forced-open', 100, { deviceId: 'dl8-b2-u1-door', buildingId: 'b2', placeId: 'b2-u1' }, 'P1'),
  ];
  const report = noiseReport(scenario, START, tickets);

  it('counts tickets by rule and opening priority', () => {
    expect(report.tickets).toBe(5);
    expect(report.byRule).toEqual([
      { alertType: 'door.forced-open', priority: 'P1', tickets: 2 },
      { alertType: 'drain.level-critical', priority: 'P1', tickets: 1 },
      { alertType: 'site.mass-outage', priority: 'P1', tickets: 1 },
      { alertType: 'drain.rapid-rise', priority: 'P2', tickets: 1 },
    ]);
  });

  it('gives each incident the tickets it explains, with the time to its first ticket and dispatch', () => {
    const byId = Object.fromEntries(report.incidents.map((i) => [i.id, i]));
    expect(byId.m3).toMatchObject({ class: 'drain', startS: 600, ticketIds: ['T1'], toTicketS: 1200, toDispatchS: 1230, p1: [{ ticketId: 'T1', toDispatchS: 1230 }] });
    // No target: the incident's own events' targets (compound dl8) hold the outage's group.
    expect(byId.outage).toMatchObject({ ticketIds: ['T3'], toTicketS: 60, toDispatchS: undefined, p1: [{ ticketId: 'T3', toDispatchS: undefined }] });
    expect(byId.door).toMatchObject({ ticketIds: ['T4'], toTicketS: 0, toDispatchS: 50 });
    expect(report.ticketsPerIncident).toBe(1);
  });

  it('names the tickets no incident explains, and those that resolved themselves within 10 minutes untouched', () => {
    expect(report.unexplained.map((l) => [l.id, l.alertType, l.deviceOrGroup, l.openedS])).toEqual([
      ['T5', 'door.forced-open', 'dl8-b2-u1-door', 100],
      ['T2', 'drain.rapid-rise', 'dl8-drain-m5', 1200],
    ]);
    expect(report.selfResolved.map((l) => l.id)).toEqual(['T2', 'T3']);
    expect(report.selfResolvedShare).toBe(0.4);
  });

  it('a ticket someone touched before it resolved is not self-resolved', () => {
    const touched = ticket('drain.rapid-rise', 1200, { deviceId: 'dl8-drain-m5' }, 'P2', [
      { action: 'acknowledged', at: at(1250), actor: person },
      { action: 'resolved', toState: 'resolved', at: at(1300), actor: system },
    ]);
    expect(noiseReport(scenario, START, [touched]).selfResolved).toEqual([]);
  });

  it('prints the figures as tables', () => {
    const text = formatReport(report);
    expect(text).toContain('| drain.rapid-rise | P2 | 1 |');
    expect(text).toContain('| m3 | drain | 600 s | 1 | 1200 s | 1230 s | 30 s |');
    expect(text).toContain('| outage | outage | 2400 s | 1 | 60 s | — | — |');
    expect(text).toContain('unexplained 2 (target 0)');
    // T3 and T5 are P1s nobody dispatched; the slowest dispatched P1 took 50 s (T4).
    expect(text).toContain('P1 to dispatch slowest 50 s, 2 never dispatched (target ≤ 60 s)');
    expect(report.undispatchedP1.map((l) => l.id)).toEqual(['T5', 'T3']);
  });

  it('times a P1 from the moment it became one: a P2 raised to P1 later is measured from the raise', () => {
    const raised = ticket('drain.level-warning', 1800, { deviceId: 'dl8-drain-m3', placeId: 'm3' }, 'P1', [
      { action: 'priority-raised', at: at(2700), actor: system, data: { from: 'P2', to: 'P1' } },
      { action: 'dispatched', at: at(2705), actor: system },
    ]);
    const r = noiseReport(scenario, START, [raised]);
    expect(r.incidents.find((i) => i.id === 'm3')).toMatchObject({ toDispatchS: 2105, p1ToDispatchS: 5, p1: [{ ticketId: raised.ticket.id, toDispatchS: 2105, p1ToDispatchS: 5 }] });
    expect(r.slowestP1DispatchS).toBe(5);
  });

  it('a scenario with no incident has no ratio to hold to the target', () => {
    const text = formatReport(noiseReport(parseScenario({ durationS: 60, events: [] }), START, []));
    expect(text).toContain('per scripted incident no scripted incident;');
    expect(text).toContain('P1 to dispatch no P1');
  });
});

describe('scenario incidents are checked', () => {
  const base = { events: [{ id: 'cut', at: 10, do: 'power-cut', target: 'dl8', durationS: 60 }] };
  it('an incident naming an event no script has is refused with its key', () => {
    expect(() => parseScenario({ ...base, incidents: [{ id: 'x', class: 'outage', events: ['cutt'], explains: [{ type: 'site.mass-outage' }] }] })).toThrow(/incidents\.0\.events\.0.*cutt/);
  });
  it('two events with one id are refused', () => {
    expect(() => parseScenario({ events: [...base.events, { ...base.events[0]!, at: 20 }] })).toThrow(/events\.1\.id/);
  });
  it('an explanation must be an alert type or a family', () => {
    expect(() => parseScenario({ ...base, incidents: [{ id: 'x', class: 'outage', events: ['cut'], explains: [{ type: 'outage' }] }] })).toThrow(/incidents\.0\.explains\.0\.type/);
  });
});

describe('an incident with a window', () => {
  it('explains only the tickets opened within windowS of its start', () => {
    const windowed = parseScenario({
      durationS: 7200,
      startAt: '2026-07-16T01:00:00+08:00',
      events: [{ id: 'prowler', at: 100, do: 'motion', target: 'lane-2', zone: 'doorways' }],
      incidents: [{ id: 'prowler', class: 'door', events: ['prowler'], windowS: 600, explains: [{ type: 'camera.quiet-hours-motion' }] }],
    });
    const inside = ticket('camera.quiet-hours-motion', 200, { deviceId: 'dl8-cam-07', placeId: 'lane-2' }, 'P3');
    const later = ticket('camera.quiet-hours-motion', 900, { deviceId: 'dl8-cam-07', placeId: 'lane-2' }, 'P3');
    const r = noiseReport(windowed, START, [inside, later]);
    expect(r.incidents[0]!.ticketIds).toEqual([inside.ticket.id]);
    expect(r.unexplained.map((l) => l.id)).toEqual([later.ticket.id]);
  });
});
