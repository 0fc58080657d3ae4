import { fileURLToPath } from 'node:url';
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

/** How many of each alert type, for the lists of unexplained and self-resolved tickets. */
export function byType(lines: ReadonlyArray<{ alertType: string }>): Record<string, number> {
  const out: Record<string, number> = {};
  for (const l of lines) out[l.alertType] = (out[l.alertType] ?? 0) + 1;
  return out;
}

/** Every P1 of the run: seconds from its incident's start to its first dispatch (undefined: never dispatched). */
export const p1Dispatches = (run: ReportRun) => run.report.incidents.flatMap((i) => i.p1.map((p) => ({ incident: i.id, ...p })));

/** A device's alerts of one type in the run, oldest first: whether each is still firing and what became of it (its own ticket, alert-only…). */
export const transients = (run: ReportRun, deviceId: string, alertType: string) =>
  run.alerts
    .filter((a) => a.subject.deviceId === deviceId && a.alertType === alertType)
    .reverse()
    .map((a) => ({ state: a.state, disposition: a.disposition.kind }));
