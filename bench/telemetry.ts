/**
 * The telemetry bench: points per second into a real InfluxDB, through the telemetry
 * writer (log batches read from the embedded log, envelopes mapped to points, one gzipped
 * request per batch, offsets committed after each) against the baseline of the same
 * points written by the client alone (WriteApi, same batch size and gzip, nothing
 * awaited but the final flush). Prints both and the ratio; skips when OC_INFLUX_URL is unset.
 * Before that, always: the embedded store's write rate with its rollups against its raw
 * upsert alone (what a write cost before rollups), on the same points in the same run.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import Database from 'better-sqlite3';
import { PLATFORM_TOPICS } from '../services/event-log/platform-topics.ts';
import type { LogRecord, ProduceRecord } from '../services/event-log/port.ts';
import { SqliteEventLog } from '../services/event-log/sqlite/sqlite-event-log.ts';
import { buildEnvelope } from '../edge-agent/envelope-builder.ts';
import { silentLogger } from '../services/shared/logger.ts';
import { LOG_TOPICS } from '../services/shared/topics.ts';
import { listDevices } from '../services/site/devices.ts';
import { loadSite } from '../services/site/load.ts';
import { recordToPoint } from '../services/telemetry/envelope-to-point.ts';
import { siteTagIndex } from '../services/telemetry/site-tags.ts';
import { TelemetryWriter } from '../services/telemetry/telemetry-writer.ts';
import { InfluxTimeSeries } from '../services/timeseries/influx/influx-time-series.ts';
import { toLinePoint } from '../services/timeseries/influx/line-points.ts';
import { assertPointsFit, seriesKey } from '../services/timeseries/measurements.ts';
import type { Point } from '../services/timeseries/port.ts';
import { RawPoints } from '../services/timeseries/sqlite/raw-points.ts';
import { migrate } from '../services/timeseries/sqlite/schema.ts';
import { SqliteTimeSeries } from '../services/timeseries/sqlite/sqlite-time-series.ts';

const POINTS = Number(process.env.OC_BENCH_TELEMETRY_POINTS ?? 100_000);
const BATCH = 5_000;

const url = process.env.OC_INFLUX_URL ?? '';
const server = { url, token: process.env.OC_INFLUX_TOKEN ?? 'opencompound-dev-token', org: process.env.OC_INFLUX_ORG ?? 'opencompound' };

async function influxApi(path: string, init: RequestInit = {}): Promise<unknown> {
  const res = await fetch(`${server.url}${path}`, { ...init, headers: { Authorization: `Token ${server.token}`, 'Content-Type': 'application/json' } });
  if (!res.ok) throw new Error(`InfluxDB ${path}: HTTP ${res.status} ${await res.text()}`);
  const text = await res.text();
  return text ? JSON.parse(text) : undefined;
}

/** A bucket of its own per path, so the two runs do not share shards or caches; removed after. */
async function withBucket<T>(work: (bucket: string) => Promise<T>): Promise<T> {
  const { orgs } = (await influxApi(`/api/v2/orgs?org=${encodeURIComponent(server.org)}`)) as { orgs: { id: string }[] };
  const name = `oc-bench-${Date.now()}`;
  const { id } = (await influxApi('/api/v2/buckets', { method: 'POST', body: JSON.stringify({ orgID: orgs[0]!.id, name, retentionRules: [] }) })) as { id: string };
  try {
    return await work(name);
  } finally {
    await influxApi(`/api/v2/buckets/${id}`, { method: 'DELETE' });
  }
}

async function countIn(bucket: string): Promise<number> {
  const rows = await new InfluxDB({ url: server.url, token: server.token })
    .getQueryApi(server.org)
    .collectRows<{ _value: number }>(`from(bucket: "${bucket}") |> range(start: 0) |> filter(fn: (r) => r._field == "level_mm") |> group() |> count()`);
  return rows[0]?._value ?? 0;
}

// The reference site's drain sensors, reporting one reading after another.
const devices = listDevices(loadSite());
const drains = devices.filter((d) => d.kind === 'drain');
const start = Date.now() - 86_400_000;
const records: ProduceRecord[] = Array.from({ length: POINTS }, (_, i) => {
  const d = drains[i % drains.length]!;
  const seq = Math.floor(i / drains.length);
  const levelMm = 200 + (seq % 500);
  const data = { levelMm, distanceMm: d.depthMm! - levelMm, depthMm: d.depthMm, batteryPct: 80, rssiDbm: -90, overflow: false };
  return { key: d.id, value: buildEnvelope({ deviceId: d.id, kind: 'drain', type: 'drain.level', seq, timeMs: start + seq * 1_000, data }).payload };
});

async function throughWriter(bucket: string): Promise<number> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-telemetry-'));
  const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', logger: silentLogger() });
  const store = new InfluxTimeSeries({ url: server.url, token: server.token, org: server.org, bucket, logger: silentLogger() });
  try {
    await log.ensureTopics(PLATFORM_TOPICS);
    for (let i = 0; i < records.length; i += 10_000) await log.append(LOG_TOPICS.telemetry, records.slice(i, i + 10_000));
    const started = performance.now();
    const writer = await TelemetryWriter.start({ log, store, devices, logger: silentLogger(), maxBatchSize: BATCH });
    await new Promise<void>((resolve) => {
      const check = () => writer.stats().pointsWritten >= POINTS && resolve();
      writer.events.on('handled', check);
      check();
    });
    const seconds = (performance.now() - started) / 1000;
    await writer.close();
    return POINTS / seconds;
  } finally {
    await store.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The records as points, mapped beforehand: the baselines have no log to read. */
function recordsAsPoints(): Point[] {
  const tags = siteTagIndex(devices);
  return records.map((r, offset) => {
    const mapped = recordToPoint({ topic: LOG_TOPICS.telemetry, partition: 0, offset, key: r.key, value: Buffer.from(r.value), headers: {}, timestamp: 0 } satisfies LogRecord, tags);
    if (!mapped.ok) throw new Error(mapped.refusal.reason);
    return mapped.point;
  });
}

/**
 * Points per second into the embedded store, in batches of BATCH: through the store (raw
 * upsert plus rollups, one transaction per batch), and through its raw upsert alone in
 * the same kind of transaction, each into a fresh file of its own.
 */
async function embeddedRates(points: readonly Point[]): Promise<{ withRollups: number; rawOnly: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-embedded-'));
  const rawOnlyDb = new Database(join(dir, 'raw-only.db'));
  const store = SqliteTimeSeries.open({ path: join(dir, 'with-rollups.db'), synchronous: 'FULL', logger: silentLogger() });
  try {
    rawOnlyDb.pragma('journal_mode = WAL');
    rawOnlyDb.pragma('synchronous = FULL');
    migrate(rawOnlyDb);
    const raw = new RawPoints(rawOnlyDb);
    const writeRaw = rawOnlyDb.transaction((batch: readonly Point[]) => {
      for (const p of batch) raw.write(p, seriesKey(p));
    });
    const timed = async (write: (batch: readonly Point[]) => Promise<void> | void) => {
      const started = performance.now();
      for (let i = 0; i < points.length; i += BATCH) await write(points.slice(i, i + BATCH));
      return points.length / ((performance.now() - started) / 1000);
    };
    const rawOnly = await timed((batch) => {
      assertPointsFit(batch);
      writeRaw.immediate(batch);
    });
    const withRollups = await timed((batch) => store.write(batch));
    return { withRollups, rawOnly };
  } finally {
    rawOnlyDb.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

async function clientAlone(bucket: string): Promise<number> {
  const points = recordsAsPoints();
  const started = performance.now();
  // The client sends a batch whenever its buffer fills, without waiting for the one before;
  // its writeSuccess hook is the only way to know when the last of them landed.
  let written = 0;
  let done!: () => void;
  let failed!: (err: Error) => void;
  const allWritten = new Promise<void>((resolve, reject) => {
    done = resolve;
    failed = reject;
  });
  const writeApi = new InfluxDB({ url: server.url, token: server.token }).getWriteApi(server.org, bucket, 'ns', {
    batchSize: BATCH,
    flushInterval: 0,
    gzipThreshold: 1_000,
    maxRetries: 0,
    writeSuccess: (lines) => {
      written += lines.length;
      if (written >= POINTS) done();
    },
    writeFailed: (err) => failed(err),
  });
  writeApi.writePoints(points.map(toLinePoint));
  await writeApi.flush();
  await allWritten;
  const seconds = (performance.now() - started) / 1000;
  await writeApi.close();
  return POINTS / seconds;
}

const fmt = (n: number) => Math.round(n).toLocaleString('en');
const embedded = await embeddedRates(recordsAsPoints());
console.log(
  [
    '',
    `## Telemetry into the embedded store (${fmt(POINTS)} drain readings, one transaction per ${fmt(BATCH)}, synchronous=FULL)`,
    '',
    '| path | points/s | ÷ raw upsert alone |',
    '|---|--:|--:|',
    `| store write: raw upsert and 5-minute and hourly rollups | ${fmt(embedded.withRollups)} | ${(embedded.withRollups / embedded.rawOnly).toFixed(2)}× |`,
    `| raw upsert alone (the write before rollups) | ${fmt(embedded.rawOnly)} | 1.00× |`,
  ].join('\n'),
);

if (!url) {
  console.log('[bench] telemetry into InfluxDB: skipped: OC_INFLUX_URL is not set (bash infra/influxdb/start.sh, then OC_INFLUX_URL=http://127.0.0.1:18086)');
  process.exit(0);
}

const writerRate = await withBucket(async (bucket) => {
  const rate = await throughWriter(bucket);
  const stored = await countIn(bucket);
  if (stored !== POINTS) throw new Error(`writer path stored ${stored} of ${POINTS} points`);
  return rate;
});
const clientRate = await withBucket(async (bucket) => {
  const rate = await clientAlone(bucket);
  const stored = await countIn(bucket);
  if (stored !== POINTS) throw new Error(`client path stored ${stored} of ${POINTS} points`);
  return rate;
});

console.log(
  [
    '',
    `## Telemetry into InfluxDB (${fmt(POINTS)} drain readings, batches of ${fmt(BATCH)}, gzip over 1 kB)`,
    '',
    '| path | points/s | ÷ client alone |',
    '|---|--:|--:|',
    `| telemetry writer (log → map → write → commit, one batch at a time) | ${fmt(writerRate)} | ${(writerRate / clientRate).toFixed(2)}× |`,
    `| client alone (WriteApi, batches sent as they fill, several in flight) | ${fmt(clientRate)} | 1.00× |`,
    '',
    'Both paths end with every point in a bucket of their own (counted after each run). InfluxDB and the bench share this machine.',
  ].join('\n'),
);
process.exit(0);
