/** The noise report on the shipped drain scenarios: the rainstorm and the grease blockage. */
import { describe, expect, it } from 'vitest';
import { perIncident, expectNoiseTargets, playShipped } from '../../support/noise-scenario.ts';

describe('noise report of the shipped drain scenarios', () => {
  it('rainstorm: the half-blocked M3 is one ticket, overflowing and P1; of the rest only a manhole that reached warning has one', async () => {
    const run = await playShipped('rainstorm');
    expectNoiseTargets(run);
    // The storm: its one storm incident ticket (the manholes as its lines); M6, high for 40 minutes at the peak, has its own.
    expect(perIncident(run)).toEqual({ 'blocked-m3': 1, 'm6-high': 1, storm: 1 });
    expect(run.report.ticketsPerIncident).toBe(1);
    const m6 = run.tickets.find((t) => t.ticket.subject.deviceId === 'dl8-drain-m6')!.ticket;
    const storm = run.tickets.find((t) => t.ticket.alertType === 'site.storm')!.ticket;
    expect(m6.parentId).toBe(storm.id);
    expect(run.tickets.filter((t) => t.ticket.alertType === 'site.storm')).toHaveLength(1);
    expect(run.report.unexplained).toEqual([]);
    expect(run.report.selfResolved).toEqual([]);
    const drains = run.tickets.map((t) => t.ticket).filter((t) => t.alertType.startsWith('drain.'));
    const m3 = drains.find((t) => t.subject.deviceId === 'dl8-drain-m3')!;
    expect(m3).toMatchObject({ alertType: 'drain.level-critical', priority: 'P1', title: { en: 'Manhole M3 overflowing (critical)' } });
    // One other manhole reached warning and stayed high (its unacknowledged warning escalated to P1); no rapid-rise ticket anywhere.
    expect(drains.map((t) => t.alertType).sort()).toEqual(['drain.level-critical', 'drain.level-warning']);
  }, 600_000);

  it('grease-blockage: the grease hint for market regulation and the dinner-rush overflow for plumbing, one ticket each', async () => {
    const run = await playShipped('grease-blockage');
    expectNoiseTargets(run);
    expect(perIncident(run)).toEqual({ 'm5-grease': 1, 'm5-overflow': 1 });
    expect(run.report.unexplained).toEqual([]);
    expect(run.report.selfResolved).toEqual([]);
    const [hint, overflow] = run.report.incidents.map((i) => run.tickets.find((t) => t.ticket.id === i.ticketIds[0])!.ticket);
    expect(hint).toMatchObject({ alertType: 'drain.dry-weather-rise', category: 'shop-grease', route: { departmentId: 'market-regulation' } });
    expect(overflow).toMatchObject({ alertType: 'drain.level-critical', priority: 'P1', category: 'drainage', title: { en: 'Manhole M5 overflowing (critical)' } });
  }, 600_000);
});
