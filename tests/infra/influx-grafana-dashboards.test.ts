/**
 * Every Flux query of the Grafana dashboards (infra/grafana/dashboards) against a real
 * InfluxDB holding what the telemetry writer made of a small stretch of the compound's life:
 * each query runs, returns rows, and the key figures are right. Grafana's macros and
 * template variables are replaced the way Grafana does before it sends a query. Docker is
 * not needed: the dashboards' data source is this same InfluxDB version and schema.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { InfluxDB } from '@influxdata/influxdb-client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import type { ProduceRecord } from '../../services/event-log/port.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { silentLogger } from '../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { listDevices, type PlacedDevice } from '../../services/site/devices.ts';
import { loadSite } from '../../services/site/load.ts';
import { TelemetryWriter } from '../../services/telemetry/telemetry-writer.ts';
import { InfluxTimeSeries } from '../../services/timeseries/influx/influx-time-series.ts';
import { dashboards, fluxQueries } from '../support/grafana-files.ts';
import { createBucket, deleteBucket, influxSetup } from '../support/influx-env.ts';
import { EnvelopeSource, eventually } from '../support/telemetry-harness.ts';

const setup = influxSetup();

if (setup.state === 'broken') {
  describe('Grafana dashboards on InfluxDB', () => {
    it('has an InfluxDB server to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

const MINUTE = 60_000;
const devices = listDevices(loadSite());
const device = (id: string) => devices.find((d) => d.id === id)!;
const m3 = device('dl8-drain-m3');
const m5 = device('dl8-drain-m5');
const door = device('dl8-b3-u2-door');
const camera = device('dl8-cam-07');

/** A ticket.change as the alerting service publishes it on oc.tickets (the fields the points use). */
function ticketChange(id: string, d: PlacedDevice, category: string, alertType: string, priority: string, openedAt: number, state: string, entries: { seq: number; at: number; action: string; fromState?: string; toState?: string }[]): ProduceRecord {
  const subject = { deviceId: d.id, communityId: d.communityId, compoundId: d.compoundId, buildingId: d.buildingId, placeId: d.placeId };
  const ticket = { id, category, alertType, priority, state, openedAt, version: entries.length, subject };
  return { key: id, value: JSON.stringify({ kind: 'ticket.change', ticket, entries: entries.map((e) => ({ ticketId: id, actor: { kind: 'system' }, ...e })) }) };
}

describe.skipIf(setup.state !== 'ready')('Grafana dashboards on InfluxDB', () => {
  const server = setup.state === 'ready' ? setup.server : { url: '', token: '', org: '', bucket: '' };
  const now = Date.now();
  const start = now - 50 * MINUTE;
  let dir: string;
  let log: SqliteEventLog;
  let bucket: { name: string; id: string };
  let store: InfluxTimeSeries;
  let writer: TelemetryWriter;

  /** The query as Grafana sends it: macros and variables replaced by their values. */
  const asGrafanaSends = (query: string) =>
    query
      .replaceAll('v.timeRangeStart', new Date(now - 6 * 60 * MINUTE).toISOString())
      .replaceAll('v.timeRangeStop', new Date(now + MINUTE).toISOString())
      .replaceAll('v.windowPeriod', '60000ms')
      .replaceAll('v.defaultBucket', JSON.stringify(bucket.name))
      .replaceAll('${manhole:json}', JSON.stringify(['m3', 'm5']))
      .replaceAll('${manhole}', 'm3')
      .replaceAll('${kind:json}', JSON.stringify(['door', 'camera', 'drain']))
      .replaceAll('${compound:json}', JSON.stringify(['dl8']));
  const rows = (query: string) =>
    new InfluxDB({ url: server.url, token: server.token, timeout: 30_000 }).getQueryApi(server.org).collectRows<Record<string, unknown>>(asGrafanaSends(query));
  const panelQuery = (uid: string, title: string) => {
    const found = fluxQueries(dashboards().find((d) => d.dashboard.uid === uid)!.dashboard).find((q) => q.where.includes(`"${title}"`));
    if (!found) throw new Error(`no panel "${title}" in ${uid}`);
    return found.query;
  };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-grafana-'));
    log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', logger: silentLogger(), pollIntervalMs: 50 });
    await log.ensureTopics(PLATFORM_TOPICS);
    bucket = await createBucket(server);
    store = new InfluxTimeSeries({ url: server.url, token: server.token, org: server.org, bucket: bucket.name, logger: silentLogger() });

    const source = new EnvelopeSource(start);
    const telemetry: ProduceRecord[] = [];
    for (let i = 0; i < 48; i++) {
      // M3 fills to 1 200 mm of its 1 600 (75 %); M5 stays low.
      telemetry.push(source.level(m3, 300 + i * 18.75, i * MINUTE), source.level(m5, 150, i * MINUTE));
      for (const d of [door, camera, m3]) telemetry.push(source.record(d, 'agent.heartbeat', { uptimeS: i * 60, pending: d === camera ? i % 4 : 0, reconnects: 0 }, i * MINUTE));
    }
    await log.append(LOG_TOPICS.telemetry, telemetry);
    await log.append(LOG_TOPICS.events, [
      source.record(door, 'access.granted', { cardHash: 'c1', reader: 'in' }, 5 * MINUTE),
      source.record(door, 'device.fault', { code: 'OC_DEVICE_TIMEOUT', reason: 'no answer for 30 s' }, 10 * MINUTE),
      source.record(camera, 'video.loss', { reason: 'signal-lost' }, 20 * MINUTE),
    ]);
    await log.append(LOG_TOPICS.tickets, [
      ticketChange('T20261126-0001', m3, 'drainage', 'drain.level-warning', 'P2', start + 30 * MINUTE, 'resolved', [
        { seq: 1, at: start + 30 * MINUTE, action: 'opened', toState: 'open' },
        { seq: 2, at: start + 40 * MINUTE, action: 'resolved', fromState: 'open', toState: 'resolved' },
      ]),
      ticketChange('T20261126-0002', m5, 'drainage', 'drain.rapid-rise', 'P3', start + 32 * MINUTE, 'open', [{ seq: 1, at: start + 32 * MINUTE, action: 'opened', toState: 'open' }]),
      ticketChange('T20261126-0003', door, 'security', 'door.forced-open', 'P1', start + 35 * MINUTE, 'open', [{ seq: 1, at: start + 35 * MINUTE, action: 'opened', toState: 'open' }]),
    ]);
    writer = await TelemetryWriter.start({ log, store, devices, logger: silentLogger(), backoff: { initialMs: 100, maxMs: 1_000 } });
    const expected = telemetry.length + 3 + 4;
    await eventually(() => writer.stats().pointsWritten === expected, `all ${expected} points are in InfluxDB`);
    expect(writer.stats().deadLettered).toBe(0);
  });

  afterAll(async () => {
    await writer?.close();
    await store?.close();
    await log?.close();
    if (bucket) await deleteBucket(server, bucket.id);
    rmSync(dir, { recursive: true, force: true });
  });

  it('runs every query of every dashboard, and each finds the data it is about', async () => {
    const queries = dashboards().flatMap((d) => fluxQueries(d.dashboard));
    expect(queries.length).toBeGreaterThanOrEqual(18);
    for (const q of queries) {
      const sent = asGrafanaSends(q.query);
      expect(sent, `${q.where}: a macro or variable left unreplaced`).not.toMatch(/\$|\bv\./);
      const result = await rows(q.query).catch((err: unknown) => {
        throw new Error(`${q.where}: ${(err as Error).message}\n${sent}`);
      });
      expect(result.length, `${q.where} returned no rows`).toBeGreaterThan(0);
    }
  });

  it("shows each manhole's last level as a share of its depth, named by manhole", async () => {
    // One row per reading time, a column per manhole (the bar gauge takes each column's last value).
    const result = await rows(panelQuery('oc-drain-levels', 'Level now, % of manhole depth'));
    const merged = result.reduce<Record<string, unknown>>((all, r) => ({ ...all, ...Object.fromEntries(Object.entries(r).filter(([, v]) => v !== null && v !== '')) }), {});
    expect(merged.m3).toBeCloseTo((100 * (300 + 47 * 18.75)) / m3.depthMm!, 6);
    expect(merged.m5).toBeCloseTo((100 * 150) / m5.depthMm!, 6);
  });

  it('counts tickets opened by category and priority, and the time to resolve', async () => {
    const byCategory = Object.fromEntries((await rows(panelQuery('oc-tickets', 'Tickets opened in the period, by category'))).map((r) => [r.category, r._value]));
    expect(byCategory).toEqual({ drainage: 2, security: 1 });
    const byPriority = Object.fromEntries((await rows(panelQuery('oc-tickets', 'Tickets opened in the period, by priority'))).map((r) => [r.priority, r._value]));
    expect(byPriority).toEqual({ P1: 1, P2: 1, P3: 1 });
    const toResolve = await rows(panelQuery('oc-tickets', 'Median time from opening to resolved, by category'));
    expect(toResolve.map((r) => [r.category, r._value])).toEqual([['drainage', 600]]);
  });

  it('tells device health: who was heard lately, availability, faults by type', async () => {
    const [heard] = await rows(panelQuery('oc-device-health', 'Devices heard from in the last 5 minutes'));
    expect(heard!._value).toBe(3);
    const availability = Object.fromEntries((await rows(panelQuery('oc-device-health', 'Availability: share of 5-minute windows with a heartbeat'))).map((r) => [r.device, r._value as number]));
    expect(Object.keys(availability).sort()).toEqual([camera.id, door.id, m3.id].sort());
    // Heartbeats every minute for the last 48 minutes of a 6-hour range: 10 or 11 of its 73 windows.
    for (const pct of Object.values(availability)) expect(pct).toBeGreaterThan(10);
    const faults = await rows(panelQuery('oc-device-health', 'Latest faults'));
    expect(faults.map((r) => [r.device, r.type])).toEqual([
      [camera.id, 'video.loss'],
      [door.id, 'device.fault'],
    ]);
  });
});
