import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';
import { loadSite } from '../../services/site/load.ts';
import { runNoiseReport, type ReportRun } from '../../simulators/report/run-report.ts';
import { loadScenarioFile, type Scenario } from '../../simulators/scenario.ts';

const SCENARIOS = fileURLToPath(new URL('../../simulators/scenarios/', import.meta.url));

/**
 * A shipped scenario played for the noise report, exactly as `npm run noise-report` plays
 * it: on its own simulated clock through agents, gateway, log and alerting in this process.
 */
export function playShipped(name: string, patch: Partial<Scenario> = {}): Promise<ReportRun> {
  return runNoiseReport({ site: loadSite(), scenario: { ...loadScenarioFile(`${SCENARIOS}${name}.yaml`), ...patch } });
}

/** Tickets per declared incident, by incident id. */
export const perIncident = (run: ReportRun): Record<string, number> => Object.fromEntries(run.report.incidents.map((i) => [i.id, i.ticketIds.length]));

/**
 * Issue 14's targets, the same for every shipped scenario: 1 to 1.2 tickets per scripted
 * incident (none to hold when nothing is scripted), no unexplained ticket, at most 10 %
 * resolved by themselves within 10 minutes, every P1 dispatched within 60 s of becoming one.
 */
export function expectNoiseTargets(run: ReportRun): void {
  const r = run.report;
  if (r.incidents.length > 0) {
    expect(r.ticketsPerIncident, 'tickets per scripted incident').toBeGreaterThanOrEqual(1);
    expect(r.ticketsPerIncident, 'tickets per scripted incident').toBeLessThanOrEqual(1.2);
  }
  expect(r.unexplained, 'unexplained tickets').toEqual([]);
  expect(r.selfResolvedShare, 'share resolved by themselves within 10 min').toBeLessThanOrEqual(0.1);
  expect(r.undispatchedP1, 'P1 tickets never dispatched').toEqual([]);
  if (r.slowestP1DispatchS !== undefined) expect(r.slowestP1DispatchS, 'slowest P1 to dispatch (s)').toBeLessThanOrEqual(60);
}

/** Every P1 of the run: seconds from its incident's start to its first dispatch (undefined: never dispatched). */
export const p1Dispatches = (run: ReportRun) => run.report.incidents.flatMap((i) => i.p1.map((p) => ({ incident: i.id, ...p })));

/** A device's alerts of one type in the run, oldest first: whether each is still firing and what became of it (its own ticket, alert-only…). */
export const transients = (run: ReportRun, deviceId: string, alertType: string) =>
  run.alerts
    .filter((a) => a.subject.deviceId === deviceId && a.alertType === alertType)
    .reverse()
    .map((a) => ({ state: a.state, disposition: a.disposition.kind }));
