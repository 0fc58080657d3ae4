import type { Alert } from '../../services/alerting/domain/alerts/alert.ts';
import type { SiteConfig } from '../../services/site/schema.ts';
import type { Logger } from '../../services/shared/logger.ts';
import type { Scenario } from '../scenario.ts';
import { noiseReport, type NoiseReport, type ReportTicket } from './noise-report.ts';
import { SimulatedPlatform } from './simulated-platform.ts';

export interface ReportRun {
  report: NoiseReport;
  tickets: ReportTicket[];
  /** Every alert the rules raised, newest first: what the desk's live strip showed, tickets or not. */
  alerts: Alert[];
  /** Lockstep steps played, and the wall time they took. */
  steps: number;
  wallMs: number;
}

/** Plays a scenario on its own simulated clock through the platform in this process and reports on its tickets. */
export async function runNoiseReport(o: { site: SiteConfig; scenario: Scenario; rulesFile?: string | undefined; logger?: Logger; stepMs?: number }): Promise<ReportRun> {
  const wallStart = performance.now();
  const platform = await SimulatedPlatform.start(o);
  try {
    await platform.playUntil();
    const tickets = platformTickets(platform);
    return { report: noiseReport(o.scenario, platform.runner.startMs, tickets), tickets, alerts: platform.alerting.store.listAlerts({ limit: 100_000 }), steps: platform.steps, wallMs: Math.round(performance.now() - wallStart) };
  } finally {
    await platform.close();
  }
}

/** Every ticket the platform opened, with its timeline. */
export function platformTickets(platform: SimulatedPlatform): ReportTicket[] {
  const store = platform.alerting.store;
  return store.listTickets({ limit: 100_000 }).map((t) => {
    const full = store.getTicket(t.id)!;
    return { ticket: full.ticket, timeline: full.timeline };
  });
}
