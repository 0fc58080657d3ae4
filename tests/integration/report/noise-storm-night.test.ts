/**
 * The storm night (simulators/scenarios/storm-night.yaml): a blocked manhole, a site-wide
 * storm, a ten-minute power cut and a forced door, played for the noise report. Exact
 * ticket counts per incident, and the targets as far as part A reaches them.
 */
import { beforeAll, describe, expect, it } from 'vitest';
import type { ReportRun } from '../../../simulators/report/run-report.ts';
import { perIncident, expectNoiseTargets, playShipped } from '../../support/noise-scenario.ts';

let run: ReportRun;
beforeAll(async () => {
  run = await playShipped('storm-night');
}, 600_000);

describe('storm night: one ticket per incident, the right one', () => {
  it('the blocked manhole is ONE drain ticket, titled and prioritised by the worst it got: overflowing, P1', () => {
    const [m3] = run.report.incidents.filter((i) => i.id === 'blocked-m3');
    expect(m3!.ticketIds).toHaveLength(1);
    const ticket = run.tickets.find((t) => t.ticket.id === m3!.ticketIds[0])!.ticket;
    expect(ticket).toMatchObject({ alertType: 'drain.level-critical', priority: 'P1', subject: { deviceId: 'dl8-drain-m3' } });
    expect(ticket.title.en).toBe('Manhole M3 overflowing (critical)');
    // It never resolved itself: not across the power cut, not while the chamber overflowed. As a P1
    // nobody took, the system sent the plumber on shift (issue 14: every P1 reaches a person).
    expect(ticket.state).toBe('dispatched');
    expect(ticket.milestones.resolvedAt).toBeUndefined();
  });

  it('the storm is ONE storm incident with a line per manhole; no drain ticket for the manholes that rose and drained away (their rapid rise is an alert)', () => {
    expect(run.tickets.filter((t) => t.ticket.alertType.startsWith('drain.')).map((t) => t.ticket.subject.deviceId)).toEqual(['dl8-drain-m3']);
    expect(run.report.byRule.find((c) => c.alertType === 'drain.rapid-rise')).toBeUndefined();
    const storms = run.tickets.filter((t) => t.ticket.alertType === 'site.storm');
    expect(storms).toHaveLength(1);
    expect(storms[0]!.ticket.children!.length).toBeGreaterThanOrEqual(3);
    expect(perIncident(run).storm).toBe(1);
  });

  it('the power cut, played fast, raises its mass-outage ticket a minute after the cut', () => {
    const [cut] = run.report.incidents.filter((i) => i.id === 'power-cut');
    expect(cut).toMatchObject({ ticketIds: [expect.any(String)], toTicketS: 60 });
  });

  it('the forced door is a P1 the moment it is forced', () => {
    const [door] = run.report.incidents.filter((i) => i.id === 'forced-door');
    expect(door).toMatchObject({ ticketIds: [expect.any(String)], toTicketS: 0 });
  });

  it('meets every target of issue 14 (the scenario of our own: storm, blocked manhole, power cut, forced door)', () => {
    expectNoiseTargets(run);
  });

  it('exact counts per incident, and nothing is noise', () => {
    // The storm incident is its one site.storm ticket (the overflowing manhole is blocked-m3's).
    expect(perIncident(run)).toEqual({ 'blocked-m3': 1, storm: 1, 'power-cut': 1, 'night-motion': 1, 'forced-door': 1 });
    // The storm incident nobody acknowledged was escalated to P1 in the night.
    expect(run.report.byRule).toEqual([
      { alertType: 'door.forced-open', priority: 'P1', tickets: 1 },
      { alertType: 'drain.level-critical', priority: 'P1', tickets: 1 },
      { alertType: 'site.mass-outage', priority: 'P1', tickets: 1 },
      { alertType: 'site.storm', priority: 'P1', tickets: 1 },
      { alertType: 'camera.night-motion-digest', priority: 'P4', tickets: 1 },
    ]);
    // The night's quiet-hours motion is one digest, opened by the scripted lingerer in Lane 2
    // (four bursts in six minutes); the residents' single bursts stay alerts.
    expect(run.report.unexplained).toEqual([]);
    // Nothing resolved itself within 10 minutes: the outage waits out its dark grace after power returns.
    expect(run.report.selfResolved).toEqual([]);
  });

  it('the outage resolves itself only after its dark grace, once the devices still dark would have their own tickets', () => {
    const outage = run.tickets.find((t) => t.ticket.alertType === 'site.mass-outage')!;
    const cleared = outage.timeline.find((e) => e.action === 'condition-cleared')!;
    const resolved = outage.timeline.find((e) => e.toState === 'resolved')!;
    expect(outage.ticket.state).toBe('resolved');
    expect(outage.ticket.milestones.autoResolved).toBe(true);
    // grouping.outage.darkGraceMs (10 min), give or take one lockstep step of 10 s.
    expect(resolved.at - cleared.at).toBeGreaterThanOrEqual(600_000);
    expect(resolved.at - cleared.at).toBeLessThanOrEqual(610_000);
    expect(resolved.at - outage.ticket.openedAt).toBeGreaterThan(10 * 60_000);
  });

  it('the digest holds the lingerer\'s bursts at the Lane 2 camera', () => {
    const digest = run.tickets.find((t) => t.ticket.alertType === 'camera.night-motion-digest')!;
    expect(digest.ticket.evidence?.some((e) => e.deviceId === 'dl8-cam-07')).toBe(true);
  });

  it('every P1 is a ticket within 60 s of simulated time and with a person within 60 s of that (auto-dispatch)', () => {
    expect(run.report.undispatchedP1).toEqual([]);
    expect(run.report.slowestP1DispatchS).toBeLessThanOrEqual(60);
    for (const i of run.report.incidents.filter((x) => x.p1.length > 0 && x.class !== 'drain' && x.class !== 'storm')) expect(i.toTicketS).toBeLessThanOrEqual(60);
    for (const { ticket, timeline } of run.tickets.filter((t) => t.ticket.priority === 'P1')) {
      // A P1 from its opening (or its raise to P1) to the system's dispatch: at most 60 s.
      const p1Since = ticket.openedPriority === 'P1' ? ticket.openedAt : timeline.find((e) => e.action === 'priority-raised' && (e.data as { to?: string }).to === 'P1')!.at;
      const dispatched = timeline.find((e) => e.action === 'dispatched');
      expect(dispatched, ticket.id).toBeDefined();
      expect(dispatched!.at - p1Since, ticket.id).toBeLessThanOrEqual(60_000);
    }
  });
});
