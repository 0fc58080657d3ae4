import type { NoiseReport } from './noise-report.ts';

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));
const seconds = (s: number | undefined) => (s === undefined ? '—' : `${s} s`);

/** The report as Markdown tables: what the README shows and `npm run noise-report` prints. */
export function formatReport(r: NoiseReport, options: { lists?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`#### ${r.scenario}`, '');
  out.push(
    `tickets ${r.tickets}; per scripted incident ${r.ticketsPerIncident.toFixed(2)} (target 1–1.2); unexplained ${r.unexplained.length} (target 0); ` +
      `resolved themselves within 10 min ${r.selfResolved.length} = ${Math.round(r.selfResolvedShare * 100)} % (target ≤ 10 %)`,
    '',
  );
  out.push('| rule | priority | tickets |', '|---|---|---|');
  for (const c of r.byRule) out.push(`| ${c.alertType} | ${c.priority} | ${c.tickets} |`);
  if (r.byRule.length === 0) out.push('| (none) | | 0 |');
  out.push('');
  if (r.incidents.length > 0) {
    out.push('| incident | class | starts | tickets | to first ticket | to first dispatch |', '|---|---|---|---|---|---|');
    for (const i of r.incidents) out.push(`| ${i.id} | ${i.class} | ${i.startS} s | ${i.ticketIds.length} | ${seconds(i.toTicketS)} | ${seconds(i.toDispatchS)} |`);
    out.push('');
  }
  const list = (title: string, lines: NoiseReport['unexplained']) => {
    if (lines.length === 0) return;
    out.push(`${title}:`, '');
    for (const l of lines) out.push(`- ${pad(l.id, 14)} ${l.alertType} ${l.priority} ${l.deviceOrGroup} at ${l.openedS} s`);
    out.push('');
  };
  if (options.lists !== false) {
    list('Unexplained tickets', r.unexplained);
    list('Resolved themselves within 10 min', r.selfResolved);
  }
  return out.join('\n');
}
