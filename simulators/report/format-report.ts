import type { NoiseReport } from './noise-report.ts';

const pad = (s: string, n: number) => s + ' '.repeat(Math.max(0, n - s.length));
const seconds = (s: number | undefined) => (s === undefined ? '—' : `${s} s`);

/** The report as Markdown tables: what the README shows and `npm run noise-report` prints. */
export function formatReport(r: NoiseReport, options: { lists?: boolean } = {}): string {
  const out: string[] = [];
  out.push(`#### ${r.scenario}`, '');
  // A scenario without incidents (the dry day) has no ratio to hold to a target: every ticket would be noise.
  const perIncident = r.incidents.length === 0 ? 'no scripted incident' : `${r.ticketsPerIncident.toFixed(2)} (target 1–1.2)`;
  const p1 = r.slowestP1DispatchS === undefined && r.undispatchedP1.length === 0 ? 'no P1' : `slowest ${seconds(r.slowestP1DispatchS)}${r.undispatchedP1.length > 0 ? `, ${r.undispatchedP1.length} never dispatched` : ''} (target ≤ 60 s)`;
  out.push(
    `tickets ${r.tickets}; per scripted incident ${perIncident}; unexplained ${r.unexplained.length} (target 0); ` +
      `resolved themselves within 10 min ${r.selfResolved.length} = ${Math.round(r.selfResolvedShare * 100)} % (target ≤ 10 %); P1 to dispatch ${p1}`,
    '',
  );
  out.push('| rule | priority | tickets |', '|---|---|---|');
  for (const c of r.byRule) out.push(`| ${c.alertType} | ${c.priority} | ${c.tickets} |`);
  if (r.byRule.length === 0) out.push('| (none) | | 0 |');
  out.push('');
  if (r.incidents.length > 0) {
    out.push('| incident | class | starts | tickets | to first ticket | to first dispatch | P1 to dispatch |', '|---|---|---|---|---|---|---|');
    for (const i of r.incidents) out.push(`| ${i.id} | ${i.class} | ${i.startS} s | ${i.ticketIds.length} | ${seconds(i.toTicketS)} | ${seconds(i.toDispatchS)} | ${seconds(i.p1ToDispatchS)} |`);
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
    list('P1 tickets never dispatched', r.undispatchedP1);
  }
  return out.join('\n');
}
