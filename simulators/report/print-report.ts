import { resolve } from 'node:path';
import { loadSite } from '../../services/site/load.ts';
import type { Scenario } from '../scenario.ts';
import { formatReport } from './format-report.ts';
import { runNoiseReport } from './run-report.ts';

/** Plays the scenario for the report and prints it: tables on stdout (or JSON; `brief`: no ticket lists), the wall time it took on stderr. */
export async function printNoiseReport(o: { scenario: Scenario; sitePath?: string | undefined; json: boolean; brief?: boolean }): Promise<void> {
  const site = o.sitePath ? loadSite(resolve(o.sitePath)) : loadSite();
  const run = await runNoiseReport({ site, scenario: o.scenario });
  process.stdout.write(o.json ? `${JSON.stringify(run.report, null, 2)}\n` : `${formatReport(run.report, { lists: o.brief !== true })}\n`);
  process.stderr.write(`played ${o.scenario.durationS} simulated s in ${(run.wallMs / 1000).toFixed(1)} wall s (${run.steps} steps)\n`);
}
