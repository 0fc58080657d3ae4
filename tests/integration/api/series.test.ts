/**
 * The series routes end to end on embedded adapters: envelopes appended to the log as the
 * gateway would, the telemetry writer putting them in the store, the desk asking the API.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlerting, type Alerting } from '../../../services/alerting/compose.ts';
import { loadRuleOverrides } from '../../../services/alerting/rule-overrides-file.ts';
import type { Api } from '../../../services/api/app.ts';
import { createApi } from '../../../services/api/compose.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { OcError } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { createTelemetry, type Telemetry } from '../../../services/telemetry/compose.ts';
import type { TimeSeriesStore } from '../../../services/timeseries/port.ts';
import { ApiUser } from '../../support/api-user.ts';
import { EnvelopeSource, eventually } from '../../support/telemetry-harness.ts';

const HOUR = 3_600_000;
const MINUTE = 60_000;
const site = loadSite();
const devices = listDevices(site);
const m3 = devices.find((d) => d.id === 'dl8-drain-m3')!;
const door = devices.find((d) => d.kind === 'door')!;
const camera = devices.find((d) => d.kind === 'camera')!;
/** "Now" for the API: a whole hour plus 30 minutes, so windows and ranges are easy to reason about. */
const NOW = Date.UTC(2026, 5, 1, 12, 30);

describe('series routes', () => {
  let dir: string;
  let log: SqliteEventLog;
  let alerting: Alerting;
  let telemetry: Telemetry;
  let api: Api;
  let desk: ApiUser;

  const start = async (storeOverride?: (store: TimeSeriesStore) => TimeSeriesStore) => {
    telemetry = await createTelemetry({
      log,
      devices,
      config: { store: { kind: 'embedded', path: join(dir, 'timeseries.db'), retentionMs: 30 * 24 * HOUR }, groupId: 'oc.telemetry-writer', startAt: 'beginning' },
      logger: silentLogger(),
      ruleOverrides: loadRuleOverrides(),
    });
    const series = storeOverride ? { ...telemetry.series, reader: storeOverride(telemetry.store) } : telemetry.series;
    api = await createApi({ alerting, site, devices, clock: new ManualClock(NOW), logger: silentLogger(), dataDir: dir, series });
    desk = await ApiUser.signIn(api.app, 'desk');
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-series-'));
    log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL', logger: silentLogger(), pollIntervalMs: 50 });
    await log.ensureTopics(PLATFORM_TOPICS);
    alerting = await createAlerting({ log, devices, storePath: join(dir, 'alerting.db'), clock: new ManualClock(NOW), logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', startAt: 'end' });
  });
  afterEach(async () => {
    await api.app.close();
    await telemetry.close();
    await alerting.runtime.close();
    await log.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it("gives a drain's level over the last hours in windows, with the thresholds its rules fire at", async () => {
    await start();
    const source = new EnvelopeSource(NOW - 2 * HOUR);
    // One reading a minute for two hours, rising by 5 mm a minute; then one stray from before the range.
    const readings = Array.from({ length: 120 }, (_, i) => source.level(m3, 100 + 5 * i, i * MINUTE));
    await log.append(LOG_TOPICS.telemetry, [...readings, new EnvelopeSource(NOW - 5 * HOUR).level(m3, 9_999)]);
    await eventually(() => telemetry.writer.stats().pointsWritten === 121, 'the readings are in the store');

    const res = await desk.get(`/api/series/drains/${m3.id}/level?hours=2&windows=12`);
    expect(res.statusCode).toBe(200);
    const body = res.json();
    // dl8-drain-m3 warns at 55 % in the reference rules file, criticals at the default 85 %.
    expect(body.thresholds).toEqual({ depthMm: m3.depthMm, warningPct: 55, criticalPct: 85, warningMm: Math.round(m3.depthMm! * 0.55), criticalMm: Math.round(m3.depthMm! * 0.85) });
    expect(body.everyMs).toBe(10 * MINUTE);
    expect(body.from).toBe(NOW - 2 * HOUR);
    expect(body.windows).toHaveLength(12);
    // Window k holds minutes 10k..10k+9: mean level 100 + 5 * (10k + 4.5), max 100 + 5 * (10k + 9).
    body.windows.forEach((w: { time: number; meanMm: number; maxMm: number }, k: number) => {
      expect(w.time).toBe(NOW - 2 * HOUR + k * 10 * MINUTE);
      expect(w.meanMm).toBeCloseTo(100 + 5 * (10 * k + 4.5), 9);
      expect(w.maxMm).toBe(100 + 5 * (10 * k + 9));
    });

    // The ticket page's chart route answers from the store too, in its own shape.
    const chart = await desk.get(`/api/devices/${m3.id}/level?from=${new Date(NOW - 30 * MINUTE).toISOString()}&to=${new Date(NOW).toISOString()}`);
    expect(chart.statusCode).toBe(200);
    expect(chart.json()).toMatchObject({ deviceId: m3.id, depthMm: m3.depthMm, source: 'timeseries' });
    expect(chart.json().points.map((p: { levelMm: number }) => p.levelMm)).toEqual(Array.from({ length: 30 }, (_, i) => 100 + 5 * (90 + i)));

    expect((await desk.get(`/api/series/drains/${door.id}/level`)).statusCode).toBe(404);
  });

  it('tells for every device of the site in what share of the windows it sent heartbeats', async () => {
    await start();
    const source = new EnvelopeSource(NOW - HOUR);
    // The door beats every 30 s for the whole hour, the camera only in its first 15 minutes.
    const beats = [
      ...Array.from({ length: 120 }, (_, i) => source.record(door, 'agent.heartbeat', { uptimeS: 30 * i, pending: 0, reconnects: 0 }, i * 30_000)),
      ...Array.from({ length: 30 }, (_, i) => source.record(camera, 'agent.heartbeat', { uptimeS: 600 + 30 * i, pending: 0, reconnects: 1 }, i * 30_000)),
    ];
    await log.append(LOG_TOPICS.telemetry, beats);
    await eventually(() => telemetry.writer.stats().pointsWritten === 150, 'the heartbeats are in the store');

    const res = await desk.get('/api/series/devices/uptime?hours=1&windowMinutes=5');
    expect(res.statusCode).toBe(200);
    const body = res.json();
    expect(body.devices).toHaveLength(devices.length);
    const byId = new Map(body.devices.map((d: { deviceId: string }) => [d.deviceId, d]));
    expect(byId.get(door.id)).toEqual({ deviceId: door.id, kind: 'door', availabilityPct: 100, lastHeartbeatAt: NOW - HOUR + 119 * 30_000, uptimeS: 119 * 30 });
    expect(byId.get(camera.id)).toEqual({ deviceId: camera.id, kind: 'camera', availabilityPct: 25, lastHeartbeatAt: NOW - HOUR + 29 * 30_000, uptimeS: 600 + 29 * 30 });
    expect(byId.get(m3.id)).toEqual({ deviceId: m3.id, kind: 'drain', availabilityPct: 0, lastHeartbeatAt: null, uptimeS: null });
  });

  it('counts events per hour, for the site or filtered by device and type', async () => {
    await start();
    const source = new EnvelopeSource(NOW - 3 * HOUR);
    // Range: 3 h back from 12:30 widens to 09:00..13:00, four hours.
    await log.append(LOG_TOPICS.events, [
      source.record(door, 'access.granted', { cardHash: 'a', reader: 'in' }, 0),
      source.record(door, 'access.granted', { cardHash: 'b', reader: 'in' }, 40 * MINUTE),
      source.record(door, 'door.forced-open', { reason: 'opened-without-grant' }, 2 * HOUR),
      source.record(camera, 'motion', { zone: 'lane', confidence: 0.9 }, 2 * HOUR + MINUTE),
    ]);
    // The forced door also opens a ticket, whose changes the writer stores too (ticket_change): count the events.
    const events = () => telemetry.store.readPoints({ measurement: 'device_event', range: { start: NOW - 4 * HOUR, stop: NOW } });
    await eventually(async () => (await events()).length === 4, 'the events are in the store');

    const all = (await desk.get('/api/series/events/hourly?hours=3')).json();
    expect(all.total).toBe(4);
    expect(all.hours.map((h: { count: number }) => h.count)).toEqual([1, 1, 2, 0]);
    expect(all.hours[0].time).toBe(Date.UTC(2026, 5, 1, 9));
    const forced = (await desk.get(`/api/series/events/hourly?hours=3&device=${door.id}&type=door.forced-open`)).json();
    expect(forced.hours.map((h: { count: number }) => h.count)).toEqual([0, 0, 1, 0]);
    expect((await desk.get('/api/series/events/hourly?hours=3&colour=red')).statusCode).toBe(400);
  });

  it('answers 503 OC_TIMESERIES_UNAVAILABLE while the store cannot answer, and only to the desk', async () => {
    await start((store) => ({
      readPoints: (q) => store.readPoints(q),
      drainLevel: async () => Promise.reject(new OcError('OC_TIMESERIES_UNAVAILABLE', 'connect ECONNREFUSED')),
      deviceUptime: (q) => store.deviceUptime(q),
      eventCounts: (q) => store.eventCounts(q),
      write: (p) => store.write(p),
      close: () => store.close(),
    }));
    const res = await desk.get(`/api/series/drains/${m3.id}/level`);
    expect(res.statusCode).toBe(503);
    expect(res.json().code).toBe('OC_TIMESERIES_UNAVAILABLE');

    const plumber = await ApiUser.signIn(api.app, 'plumber');
    expect((await plumber.get('/api/series/events/hourly')).statusCode).toBe(403);
    expect((await api.app.inject({ method: 'GET', url: '/api/series/events/hourly' })).statusCode).toBe(401);
    expect((await desk.get('/api/series/events/hourly')).statusCode).toBe(200);
  });
});
