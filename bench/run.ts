/**
 * `npm run bench`: the gateway against two baselines measured in the same run.
 * Prints figures and ratios, writes bench/results/latest.md; asserts nothing.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { cpus, totalmem } from 'node:os';
import { fileURLToPath } from 'node:url';
import { DEFAULT_GATEWAY_LIMITS } from '../services/gateway/limits.ts';
import { measureMemoryPerDevice, measureThroughput, type ThroughputRun } from './lib/measure.ts';
import type { BrokerKind } from './lib/messages.ts';
import { findMosquitto } from './lib/mosquitto-binary.ts';
import { renderMarkdown, type BenchResults } from './lib/report.ts';
import { benchSettings } from './lib/settings.ts';
import { formatInt } from './lib/stats.ts';

const settings = benchSettings();
const mosquitto = findMosquitto();
const cpu = cpus();
const results: BenchResults = {
  settings,
  machine: `${cpu.length} × ${cpu[0]?.model.trim() ?? 'cpu'}, ${Math.round(totalmem() / 2 ** 30)} GiB, node ${process.version}`,
  brokers: [
    { kind: 'gateway', label: 'OpenCompound gateway', beforePuback: 'login, ACL, envelope check, SQLite log append (synchronous=FULL)' },
    { kind: 'aedes', label: 'bare aedes (baseline)', beforePuback: 'nothing (no hooks, in-memory persistence)' },
  ],
  skipped: [],
  throughput: new Map(),
  memory: new Map(),
  notes: [],
};
if (mosquitto.found) {
  results.brokers.push({ kind: 'mosquitto', label: `Mosquitto ${mosquitto.version} (baseline)`, beforePuback: 'nothing (anonymous, no persistence)' });
} else {
  results.skipped.push(`Mosquitto skipped: ${mosquitto.reason}.`);
}

results.notes.push(
  'All brokers have Nagle off on their sockets (the gateway sets it; aedes and Mosquitto are configured alike).',
  'Load generator and broker share the machine: on few cores the fastest baselines are partly bounded by the mqtt.js client side.',
);

/** Whether the gateway's per-client rate limiter (default limits, as shipped) could have held the figure down. */
function rateLimitNote(runs: (ThroughputRun | Error)[]): string {
  const { ratePerSecond, burst } = DEFAULT_GATEWAY_LIMITS.rate;
  const rates = runs.filter((r): r is ThroughputRun => !(r instanceof Error)).map((r) => r.messagesPerSecond / settings.publishers);
  if (rates.length === 0) return 'Gateway throughput failed; no rate-limit check.';
  const fastest = Math.max(...rates);
  return fastest < ratePerSecond
    ? `Gateway runs with its default limits; its fastest run gave each client ${formatInt(fastest)} msg/s, under the per-client limit of ${ratePerSecond}/s (burst ${burst}), so the rate limiter did not hold the figure down.`
    : `Gateway runs with its default limits; its clients reached the per-client limit of ${ratePerSecond}/s, so the figure is capped by the rate limiter: raise OC_BENCH_PUBLISHERS.`;
}

const kinds: BrokerKind[] = results.brokers.map((b) => b.kind);
const log = (text: string): void => console.log(`[bench] ${text}`);
const started = Date.now();

log(`${results.machine}; brokers: ${kinds.join(', ')}`);
for (const skipped of results.skipped) log(skipped);

for (let round = 0; round < settings.rounds; round++) {
  // Rotating the order spreads warm caches, thermal state and noise over all brokers.
  const order = kinds.map((_, i) => kinds[(i + round) % kinds.length]!);
  for (const kind of order) {
    let run: ThroughputRun | Error;
    try {
      run = await measureThroughput(kind, settings);
      log(`throughput round ${round + 1}/${settings.rounds} ${kind}: ${formatInt(run.messagesPerSecond)} msg/s (${formatInt(run.messages)} in ${(run.elapsedMs / 1000).toFixed(2)} s)`);
    } catch (err) {
      run = err as Error;
      log(`throughput round ${round + 1} ${kind} FAILED: ${(err as Error).message}`);
    }
    results.throughput.set(kind, [...(results.throughput.get(kind) ?? []), run]);
  }
}

for (const kind of kinds) {
  try {
    const run = await measureMemoryPerDevice(kind, settings);
    results.memory.set(kind, run);
    log(`memory ${kind}: ${run.clients} clients connected in ${(run.connectMs / 1000).toFixed(1)} s, RSS ${formatInt(run.before.rssBytes / 2 ** 20)} → ${formatInt(run.after.rssBytes / 2 ** 20)} MiB`);
  } catch (err) {
    results.memory.set(kind, err as Error);
    log(`memory ${kind} FAILED: ${(err as Error).message}`);
  }
}

results.notes.unshift(rateLimitNote(results.throughput.get('gateway') ?? []));

const markdown = renderMarkdown(results);
const resultsDir = fileURLToPath(new URL('./results/', import.meta.url));
mkdirSync(resultsDir, { recursive: true });
writeFileSync(`${resultsDir}latest.md`, markdown);
console.log(`\n${markdown}`);
log(`done in ${((Date.now() - started) / 1000).toFixed(0)} s; written to bench/results/latest.md`);
