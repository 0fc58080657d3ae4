import type { BrokerKind } from './messages.ts';
import type { MemoryRun, ThroughputRun } from './measure.ts';
import type { BenchSettings } from './settings.ts';
import { formatInt, formatKiB, formatMiB, formatRatio, median } from './stats.ts';

export interface BenchResults {
  settings: BenchSettings;
  machine: string;
  brokers: { kind: BrokerKind; label: string; beforePuback: string }[];
  skipped: string[];
  throughput: Map<BrokerKind, (ThroughputRun | Error)[]>;
  memory: Map<BrokerKind, MemoryRun | Error>;
  notes: string[];
}

const rate = (runs: (ThroughputRun | Error)[] | undefined): number =>
  median((runs ?? []).filter((r): r is ThroughputRun => !(r instanceof Error)).map((r) => r.messagesPerSecond));

const perDevice = (run: MemoryRun, field: 'rssBytes' | 'heapUsedBytes'): number | null => {
  const before = run.before[field];
  const after = run.after[field];
  return before === null || after === null ? null : (after - before) / run.clients;
};

/** The whole result as markdown: what is printed and what lands in bench/results/latest.md. */
export function renderMarkdown(r: BenchResults): string {
  const s = r.settings;
  const lines: string[] = [];
  lines.push('# OpenCompound benchmark', '', `${new Date().toISOString()} — ${r.machine}`, '');

  lines.push('## QoS 1 throughput: publishes acknowledged per second', '');
  lines.push(
    `${s.publishers} clients, each with ${s.window} QoS 1 publishes in flight; warm-up ${formatInt(s.warmupMessages)} then ` +
      `${formatInt(s.measuredMessages)} measured messages per run; ${s.rounds} rounds with the broker order rotated; median. ` +
      'Each broker and the load generator run in their own processes on this machine.',
    '',
  );
  const gatewayRate = rate(r.throughput.get('gateway'));
  lines.push('| broker | before PUBACK | median msg/s | runs (msg/s) | gateway ÷ this |', '|---|---|--:|---|--:|');
  for (const b of r.brokers) {
    const runs = r.throughput.get(b.kind) ?? [];
    const shown = runs.map((x) => (x instanceof Error ? 'failed' : formatInt(x.messagesPerSecond))).join(' / ');
    const median = rate(runs);
    lines.push(`| ${b.label} | ${b.beforePuback} | ${formatInt(median)} | ${shown} | ${formatRatio(gatewayRate / median)} |`);
  }
  lines.push('');

  lines.push(`## Memory per connected device (${formatInt(s.devices)} clients, each with its own login)`, '');
  lines.push('Broker memory after a forced GC (RSS from /proc for Mosquitto), before and after all clients connected, difference ÷ clients.', '');
  lines.push(
    '| broker | RSS before | RSS after | RSS per device | heapUsed before | heapUsed after | heap per device | connect time |',
    '|---|--:|--:|--:|--:|--:|--:|--:|',
  );
  for (const b of r.brokers) {
    const run = r.memory.get(b.kind);
    if (!run) continue;
    if (run instanceof Error) {
      lines.push(`| ${b.label} | failed: ${run.message.split('\n')[0]} | | | | | | |`);
      continue;
    }
    lines.push(
      `| ${b.label} | ${formatMiB(run.before.rssBytes)} | ${formatMiB(run.after.rssBytes)} | ${formatKiB(perDevice(run, 'rssBytes'))} | ` +
        `${formatMiB(run.before.heapUsedBytes)} | ${formatMiB(run.after.heapUsedBytes)} | ${formatKiB(perDevice(run, 'heapUsedBytes'))} | ` +
        `${(run.connectMs / 1000).toFixed(1)} s |`,
    );
  }
  const gw = r.memory.get('gateway');
  const aedes = r.memory.get('aedes');
  if (gw && aedes && !(gw instanceof Error) && !(aedes instanceof Error)) {
    const ratio = (f: 'rssBytes' | 'heapUsedBytes'): string => formatRatio((perDevice(gw, f) ?? NaN) / (perDevice(aedes, f) ?? NaN));
    lines.push('', `Gateway ÷ bare aedes per device: RSS ${ratio('rssBytes')}, heapUsed ${ratio('heapUsedBytes')}.`);
  }
  lines.push('');

  if (r.skipped.length > 0 || r.notes.length > 0) {
    lines.push('## Notes', '');
    for (const line of [...r.skipped, ...r.notes]) lines.push(`- ${line}`);
    lines.push('');
  }
  return lines.join('\n');
}
