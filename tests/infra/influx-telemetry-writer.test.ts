/**
 * The telemetry writer into a real InfluxDB (log: the embedded one, in a temp dir): what
 * it writes reads back exactly; InfluxDB stopped and started again under load loses
 * nothing and duplicates nothing; bad points are dead-lettered with the reason, including
 * those only InfluxDB refuses. The restart test stops and starts the server through
 * infra/influxdb/*.sh; the infra config runs files one at a time.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import type { ProduceRecord } from '../../services/event-log/port.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import type { DeadLetter } from '../../services/shared/dead-letter.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { listDevices } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';
import { TelemetryWriter } from '../../services/telemetry/telemetry-writer.ts';
import { InfluxTimeSeries } from '../../services/timeseries/influx/influx-time-series.ts';
import type { Point, TimeSeriesStore } from '../../services/timeseries/port.ts';
import { SqliteTimeSeries } from '../../services/timeseries/sqlite/sqlite-time-series.ts';
import { createBucket, deleteBucket, influxSetup, startInflux, stopInflux, writeLines } from '../support/influx-env.ts';
import { LogRecorder } from '../support/log-recorder.ts';
import { EnvelopeSource, eventually } from '../support/telemetry-harness.ts';

const setup = influxSetup();

if (setup.state === 'broken') {
  describe('TelemetryWriter into InfluxDB', () => {
    it('has an InfluxDB server to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

const devices = listDevices(loadSite());
const drains = devices.filter((d) => d.kind === 'drain');
const doors = devices.filter((d) => d.kind === 'door');

describe.skipIf(setup.state !== 'ready')('TelemetryWriter into InfluxDB', () => {
  const server = setup.state === 'ready' ? setup.server : { url: '', token: '', org: '', bucket: '' };
  let dir: string;
  let log: SqliteEventLog;
  let bucket: { name: string; id: string };
  let influx: InfluxTimeSeries;
  const closers: (() => Promise<void>)[] = [];

  const startWriter = async (store: TimeSeriesStore, groupId = 'oc.telemetry-writer') => {
    const writer = await TelemetryWriter.start({ log, store, devices, logger: silentLogger(), groupId, maxBatchSize: 500, backoff: { initialMs: 100, maxMs: 1_000 } });
    closers.push(() => writer.close());
    return writer;
  };
  const everything = (store: TimeSeriesStore, measurement: string) => store.readPoints({ measurement, range: { start: 0, stop: Date.now() + 86_400_000 } });

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-influx-writer-'));
    log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', logger: silentLogger(), pollIntervalMs: 50 });
    await log.ensureTopics(PLATFORM_TOPICS);
    bucket = await createBucket(server);
    influx = new InfluxTimeSeries({ url: server.url, token: server.token, org: server.org, bucket: bucket.name, logger: silentLogger(), timeoutMs: 5_000 });
  });
  afterEach(async () => {
    for (const close of closers.splice(0).reverse()) await close();
    await influx.close();
    await log.close();
    await deleteBucket(server, bucket.id);
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes points that read back exactly, the same as the embedded store holds for the same log', async () => {
    const source = new EnvelopeSource(Date.now() - 3_600_000);
    const records: ProduceRecord[] = [];
    for (let i = 0; i < 40; i++) {
      for (const d of drains) records.push(source.level(d, 100 + i * 2.5 + d.depthMm! / 1000, i * 60_000));
      records.push(source.record(doors[i % doors.length]!, 'agent.heartbeat', { uptimeS: i * 30, pending: i % 3, reconnects: 0 }, i * 30_000));
    }
    await log.append(LOG_TOPICS.telemetry, records);
    await log.append(LOG_TOPICS.events, doors.map((d, i) => source.record(d, 'access.denied', { cardHash: `h${i}`, reader: 'in', reason: '非授权卡 "x"' }, i * 1_000)));
    const embedded = SqliteTimeSeries.open({ path: join(dir, 'timeseries.db'), logger: silentLogger() });
    closers.push(() => embedded.close());
    const total = records.length + doors.length;
    const [intoInflux, intoEmbedded] = await Promise.all([startWriter(influx, 'writer-influx'), startWriter(embedded, 'writer-embedded')]);
    await eventually(() => intoInflux.stats().pointsWritten === total && intoEmbedded.stats().pointsWritten === total, `all ${total} points are written to both stores`);

    const levels = await everything(influx, 'drain_level');
    expect(levels).toHaveLength(40 * drains.length);
    const first = levels.find((p) => p.tags.device === drains[0]!.id && p.fields.seq === 0)!;
    expect(first).toEqual({
      measurement: 'drain_level',
      tags: { community: drains[0]!.communityId, compound: drains[0]!.compoundId, place: drains[0]!.placeId, device: drains[0]!.id, kind: 'drain' },
      fields: { seq: 0, event_id: first.fields.event_id, level_mm: 100 + drains[0]!.depthMm! / 1000, distance_mm: drains[0]!.depthMm! - 100 - drains[0]!.depthMm! / 1000, depth_mm: drains[0]!.depthMm!, battery_pct: 80, rssi_dbm: -90, overflow: false },
      timeMs: first.timeMs,
      nanos: 0,
    });
    for (const measurement of ['drain_level', 'device_heartbeat', 'device_event']) {
      expect(await everything(influx, measurement)).toEqual(await everything(embedded, measurement));
    }
  });

  it('loses nothing and writes nothing twice when InfluxDB is stopped and started again under load', async () => {
    const writer = await startWriter(influx);
    const source = new EnvelopeSource(Date.now() - 3_600_000);
    let appended = 0;
    let loading = true;
    // Devices keep reporting through the whole outage: a round from every drain, about 300 a second.
    const load = (async () => {
      while (loading) {
        await log.append(LOG_TOPICS.telemetry, drains.map((d) => source.level(d, (appended % 1_000) + 1, appended * 100)));
        appended += drains.length;
        await new Promise((resolve) => setTimeout(resolve, 3)); // pacing the load, not waiting for anything
      }
    })();
    const appendedBeyond = (n: number) => {
      const target = appended + n;
      return () => appended >= target;
    };

    try {
      await eventually(() => writer.stats().pointsWritten > 200, 'the writer writes under load');
      await stopInflux(server);
      try {
        await eventually(() => writer.stats().waitingForStore, 'the writer notices InfluxDB is gone');
        const batchesWhileDown = writer.stats().batches;
        await eventually(appendedBeyond(400), 'more records arrive while InfluxDB is down');
        // Held, not dropped: no batch finished (so none committed) while the server was away.
        expect(writer.stats()).toMatchObject({ batches: batchesWhileDown, waitingForStore: true, deadLettered: 0 });
      } finally {
        await startInflux(server);
      }
      await eventually(() => !writer.stats().waitingForStore, 'the writer writes again');
      await eventually(appendedBeyond(400), 'more records arrive after the restart');
    } finally {
      loading = false;
      await load;
    }
    await eventually(() => writer.stats().pointsWritten >= appended, `all ${appended} points are written`, 120_000);

    const points = await everything(influx, 'drain_level');
    expect(points).toHaveLength(appended);
    for (const d of drains) {
      const seqs = points.filter((p) => p.tags.device === d.id).map((p) => p.fields.seq as number);
      expect(seqs).toEqual(Array.from({ length: appended / drains.length }, (_, i) => i));
    }
    expect(writer.stats()).toMatchObject({ deadLettered: 0, pointsWritten: appended });
  });

  it('dead-letters bad points with the reason: wrong types, unknown devices, and fields InfluxDB refuses', async () => {
    const source = new EnvelopeSource(Date.now() - 600_000);
    const drain = drains[0]!;
    // The bucket already has rssi_dbm as a string (someone wrote it so): InfluxDB refuses floats there.
    await writeLines(server, bucket.name, `drain_level,community=c,compound=k,place=p,device=elsewhere,kind=drain rssi_dbm="weak",level_mm=1 ${Date.now() - 600_000}`);
    const letters = await LogRecorder.start(log, [LOG_TOPICS.deadletter]);
    closers.push(() => letters.close());
    await log.append(LOG_TOPICS.telemetry, [
      source.record(drain, 'drain.level', { levelMm: 120 }, 0),
      source.record(drain, 'drain.level', { levelMm: 130, rssiDbm: -97 }, 1_000),
      source.record(drain, 'drain.level', { levelMm: '140' }, 2_000),
      source.level({ ...drain, id: 'dl9-drain-x1' }, 10, 3_000),
      source.record(drain, 'drain.level', { levelMm: 150 }, 4_000),
    ]);
    const writer = await startWriter(influx);
    await letters.until(() => letters.of(LOG_TOPICS.deadletter).length === 3);
    await eventually(() => writer.stats().pointsWritten === 2, 'the two good points are written');

    const dead = letters.json<DeadLetter>(LOG_TOPICS.deadletter);
    const byCode = new Map(dead.map((d) => [d.code, d]));
    expect([...byCode.keys()].sort()).toEqual(['OC_POINT_FIELD_TYPE', 'OC_POINT_MISSING_TAG', 'OC_TIMESERIES_REJECTED']);
    expect(byCode.get('OC_POINT_FIELD_TYPE')!.reason).toBe('drain.level: data.levelMm must be a finite number, got "140"');
    expect(byCode.get('OC_POINT_MISSING_TAG')!.clientId).toBe('dl9-drain-x1');
    expect(byCode.get('OC_TIMESERIES_REJECTED')!.reason).toMatch(/field type conflict.*rssi_dbm/);
    expect(JSON.parse(Buffer.from(byCode.get('OC_TIMESERIES_REJECTED')!.payloadBase64, 'base64').toString()).data).toEqual({ levelMm: 130, rssiDbm: -97 });
    const stored: Point[] = (await everything(influx, 'drain_level')).filter((p) => p.tags.device === drain.id);
    expect(stored.map((p) => p.fields.level_mm)).toEqual([120, 150]);
  });
});
