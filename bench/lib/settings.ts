/** Bench sizes; the defaults keep one `npm run bench` under about five minutes on 2 cores. */
export interface BenchSettings {
  rounds: number;
  publishers: number;
  window: number;
  warmupMessages: number;
  measuredMessages: number;
  devices: number;
  connectConcurrency: number;
}

const intFromEnv = (name: string, fallback: number): number => {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
};

export function benchSettings(): BenchSettings {
  return {
    rounds: intFromEnv('OC_BENCH_ROUNDS', 5),
    // Enough clients that none reaches the gateway's per-client rate limit: the figure is the pipeline's, not the limiter's.
    publishers: intFromEnv('OC_BENCH_PUBLISHERS', 400),
    window: intFromEnv('OC_BENCH_WINDOW', 10),
    warmupMessages: intFromEnv('OC_BENCH_WARMUP_MESSAGES', 20_000),
    measuredMessages: intFromEnv('OC_BENCH_MESSAGES', 200_000),
    devices: intFromEnv('OC_BENCH_DEVICES', 5_000),
    connectConcurrency: intFromEnv('OC_BENCH_CONNECT_CONCURRENCY', 100),
  };
}
