import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createAlerting } from '../../../services/alerting/compose.ts';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import type { DeadLetter } from '../../../services/shared/dead-letter.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { OcError } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { TelemetryWriter, type TelemetryWriterOptions } from '../../../services/telemetry/telemetry-writer.ts';
import type { Point, TimeSeriesWriter } from '../../../services/timeseries/port.ts';
import { SqliteTimeSeries } from '../../../services/timeseries/sqlite/sqlite-time-series.ts';
import { LogRecorder } from '../../support/log-recorder.ts';
import { EnvelopeSource, eventually, SwitchableStore } from '../../support/telemetry-harness.ts';

const devices = listDevices(loadSite());
const drains = devices.filter((d) => d.kind === 'drain');
const doors = devices.filter((d) => d.kind === 'door');
const T0 = Date.UTC(2026, 5, 1, 8);
const ALL = { start: T0 - 3_600_000, stop: T0 + 24 * 3_600_000 };

describe('TelemetryWriter (embedded log and store)', () => {
  let dir: string;
  let log: SqliteEventLog;
  let store: SqliteTimeSeries;
  let source: EnvelopeSource;
  const writers: TelemetryWriter[] = [];
  const recorders: LogRecorder[] = [];

  const start = async (writer: TimeSeriesWriter, extra: Partial<TelemetryWriterOptions> = {}) => {
    const w = await TelemetryWriter.start({ log, store: writer, devices, logger: silentLogger(), backoff: { initialMs: 5, maxMs: 50 }, ...extra });
    writers.push(w);
    return w;
  };
  const stored = async (measurement: string) => store.readPoints({ measurement, range: ALL });
  const deadLetters = async () => {
    const recorder = await LogRecorder.start(log, [LOG_TOPICS.deadletter]);
    recorders.push(recorder);
    return recorder;
  };

  beforeEach(async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-telemetry-'));
    log = SqliteEventLog.open({ path: join(dir, 'events.db'), logger: silentLogger(), pollIntervalMs: 50 });
    await log.ensureTopics(PLATFORM_TOPICS);
    store = SqliteTimeSeries.open({ path: join(dir, 'timeseries.db'), logger: silentLogger() });
    source = new EnvelopeSource(T0);
  });
  afterEach(async () => {
    await Promise.all(writers.splice(0).map((w) => w.close()));
    await Promise.all(recorders.splice(0).map((r) => r.close()));
    await log.close();
    await store.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('writes a point for every envelope of oc.telemetry and oc.events and commits past them', async () => {
    await log.append(LOG_TOPICS.telemetry, [
      source.level(drains[0]!, 400, 0),
      source.level(drains[0]!, 420, 60_000),
      source.level(drains[1]!, 90, 0),
      source.record(doors[0]!, 'agent.heartbeat', { uptimeS: 30, pending: 0, reconnects: 0 }),
      source.record(drains[2]!, 'drain.temperature', { celsius: 14 }),
    ]);
    await log.append(LOG_TOPICS.events, [source.record(doors[0]!, 'access.granted', { cardHash: 'c1', reader: 'in' }), source.record(doors[1]!, 'door.forced-open', { reason: 'opened-without-grant' })]);
    const first = await start(store);
    await eventually(() => first.stats().pointsWritten === 7, 'all 7 points are written');

    expect((await stored('drain_level')).map((p) => [p.tags.device, p.fields.level_mm])).toEqual([
      [drains[0]!.id, 400],
      [drains[1]!.id, 90],
      [drains[0]!.id, 420],
    ]);
    expect((await stored('device_heartbeat')).map((p) => p.fields.uptime_s)).toEqual([30]);
    expect((await stored('device_telemetry')).map((p) => p.tags.type)).toEqual(['drain.temperature']);
    expect((await stored('device_event')).map((p) => p.tags.type).sort()).toEqual(['access.granted', 'door.forced-open']);

    // A restart in the same group starts after the committed batches: only the new record comes.
    await first.close();
    const counting = new SwitchableStore(store);
    const second = await start(counting);
    await log.append(LOG_TOPICS.telemetry, [source.level(drains[0]!, 440, 120_000)]);
    await eventually(() => second.stats().pointsWritten === 1, 'the new point is written');
    expect(counting.accepted.map((p) => p.fields.level_mm)).toEqual([440]);
  });

  it('writes a ticket_change point per timeline entry the alerting service publishes on oc.tickets, skips notifications, dead-letters what it cannot read', async () => {
    const clock = new ManualClock(T0 + 30_000);
    const alerting = await createAlerting({ log, devices, storePath: join(dir, 'alerting.db'), clock, logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL' });
    try {
      const letters = await deadLetters();
      const door = doors.find((d) => d.placeType === 'entrance')!;
      const opened = new Promise<Ticket>((resolve) => alerting.runtime.service.changes.once('ticket', (t) => resolve(t)));
      await log.append(LOG_TOPICS.events, [source.record(door, 'door.forced-open', { reason: 'opened-without-grant' })]);
      const ticket = await opened;
      clock.advance(90_000);
      expect(alerting.runtime.service.command(ticket.id, { type: 'acknowledge', actor: { kind: 'person', id: 'op-test', role: 'operator' } }).ok).toBe(true);
      await log.append(LOG_TOPICS.tickets, [{ key: 'T20260601-9999', value: JSON.stringify({ kind: 'ticket.renamed', ticket: { id: 'T20260601-9999' } }) }]);

      const writer = await start(store);
      const tickets = () => store.readPoints({ measurement: 'ticket_change', range: ALL });
      await eventually(async () => (await tickets()).length === 2, 'both timeline entries are points');
      await letters.until(() => letters.of(LOG_TOPICS.deadletter).length === 1);

      const points = await tickets();
      const where = { community: door.communityId, compound: door.compoundId, building: door.buildingId!, place: door.placeId, device: door.id };
      expect(points.map((p) => [p.tags, p.fields, p.timeMs])).toEqual([
        [{ ...where, category: ticket.category, priority: ticket.priority, state: 'open', action: 'opened', alert_type: 'door.forced-open' }, { ticket_id: ticket.id, seq: 1, version: 1, age_s: 0 }, T0 + 30_000],
        [{ ...where, category: ticket.category, priority: ticket.priority, state: 'acknowledged', action: 'acknowledged', alert_type: 'door.forced-open' }, { ticket_id: ticket.id, seq: 2, version: 2, age_s: 90 }, T0 + 120_000],
      ]);
      // The door event itself is a point as before.
      expect((await stored('device_event')).map((p) => p.tags.type)).toEqual(['door.forced-open']);
      const [dead] = letters.json<DeadLetter>(LOG_TOPICS.deadletter);
      expect(dead).toMatchObject({ code: 'OC_TICKET_MESSAGE_INVALID', field: 'kind', reason: 'unknown message kind "ticket.renamed"' });
      expect(letters.of(LOG_TOPICS.deadletter)[0]!.headers.position).toMatch(/^oc\.tickets\/\d+\/\d+$/);

      // Committed past: after a restart only the next change comes, and nothing is dead-lettered again.
      await writer.close();
      const again = await start(store);
      clock.advance(60_000);
      expect(alerting.runtime.service.command(ticket.id, { type: 'comment', note: 'camera 5 shows nobody', actor: { kind: 'person', id: 'op-test', role: 'operator' } }).ok).toBe(true);
      await eventually(async () => (await tickets()).length === 3, 'the comment is a point');
      expect((await tickets())[2]!.tags).toMatchObject({ action: 'commented', state: 'acknowledged' });
      expect(again.stats().deadLettered).toBe(0);
    } finally {
      await alerting.runtime.close();
    }
  });

  it('dead-letters records that cannot be points, with the reason and where they were, and commits past them', async () => {
    const letters = await deadLetters();
    const wrongType = source.record(drains[0]!, 'drain.level', { levelMm: 'high' });
    const stranger = { ...drains[0]!, id: 'dl9-drain-m1' };
    await log.append(LOG_TOPICS.telemetry, [source.level(drains[0]!, 400), wrongType, source.level(stranger, 10), { key: 'dl8-drain-m1', value: '{"v":1,' }, source.level(drains[0]!, 410, 1_000)]);
    const writer = await start(store);
    await letters.until(() => letters.of(LOG_TOPICS.deadletter).length === 3);
    await eventually(() => writer.stats().pointsWritten === 2, 'the two good points are written');

    const dead = letters.json<DeadLetter>(LOG_TOPICS.deadletter);
    expect(dead.map((d) => [d.code, d.field, d.clientId])).toEqual([
      ['OC_POINT_FIELD_TYPE', 'data.levelMm', drains[0]!.id],
      ['OC_POINT_MISSING_TAG', 'deviceId', 'dl9-drain-m1'],
      // Unreadable: the log key (the device the gateway authenticated) still says whose it was.
      ['OC_ENVELOPE_MALFORMED_JSON', undefined, drains[0]!.id],
    ]);
    expect(dead[0]!.reason).toBe('drain.level: data.levelMm must be a finite number, got "high"');
    expect(Buffer.from(dead[0]!.payloadBase64, 'base64').equals(Buffer.from(wrongType.value))).toBe(true);
    expect(letters.of(LOG_TOPICS.deadletter).map((r) => r.headers)).toEqual([1, 2, 3].map((offset) => ({ source: 'telemetry-writer', position: `${LOG_TOPICS.telemetry}/0/${offset}` })));
    expect((await stored('drain_level')).map((p) => p.fields.level_mm)).toEqual([400, 410]);

    // Committed past: a restart in the group dead-letters nothing again.
    await writer.close();
    const again = await start(store);
    await log.append(LOG_TOPICS.telemetry, [source.level(drains[0]!, 420, 2_000)]);
    await eventually(() => again.stats().pointsWritten === 1, 'the next point is written');
    expect(again.stats().deadLettered).toBe(0);
  });

  it('stops reading while the store is down, and when it is back writes every point once, with no gap', async () => {
    const switchable = new SwitchableStore(store);
    switchable.down = true;
    const records = Array.from({ length: 60 }, (_, i) => source.level(drains[i % drains.length]!, i, i * 1_000));
    await log.append(LOG_TOPICS.telemetry, records);
    const writer = await start(switchable, { maxBatchSize: 10 });
    await eventually(() => switchable.attemptsWhileDown >= 5, 'five writes failed');

    // Every attempt was the first batch: nothing after it was read, nothing was committed.
    const firstBatch = JSON.stringify(switchable.attempted[0]!.map((p) => p.fields.event_id));
    expect(switchable.attempted.every((call) => JSON.stringify(call.map((p) => p.fields.event_id)) === firstBatch)).toBe(true);
    expect(writer.stats()).toMatchObject({ batches: 0, pointsWritten: 0, waitingForStore: true });
    expect(await stored('drain_level')).toEqual([]);

    switchable.down = false;
    await eventually(() => writer.stats().pointsWritten === 60, 'all 60 points are written');
    const points = await stored('drain_level');
    expect(points.map((p) => p.fields.level_mm)).toEqual(Array.from({ length: 60 }, (_, i) => i));
    expect(writer.stats()).toMatchObject({ batches: 6, waitingForStore: false, deadLettered: 0, storeRetries: switchable.attemptsWhileDown });
  });

  it('dead-letters only the points the store itself refuses (OC_TIMESERIES_REJECTED) and writes the rest of their batch', async () => {
    // Stands in for InfluxDB refusing a point, e.g. a field type the bucket fixed otherwise.
    const refusing: TimeSeriesWriter = {
      write: async (points: readonly Point[]) => {
        const bad = points.find((p) => p.fields.level_mm === 666);
        if (bad) throw new OcError('OC_TIMESERIES_REJECTED', `field type conflict on ${bad.tags.device}`);
        await store.write(points);
      },
    };
    const letters = await deadLetters();
    await log.append(LOG_TOPICS.telemetry, [source.level(drains[0]!, 1), source.level(drains[1]!, 666), source.level(drains[2]!, 3, 1_000), source.level(drains[3]!, 4, 2_000)]);
    const writer = await start(refusing);
    await letters.until(() => letters.of(LOG_TOPICS.deadletter).length === 1);
    await eventually(() => writer.stats().pointsWritten === 3, 'the three other points are written');

    const [dead] = letters.json<DeadLetter>(LOG_TOPICS.deadletter);
    expect(dead).toMatchObject({ code: 'OC_TIMESERIES_REJECTED', clientId: drains[1]!.id });
    expect(dead!.reason).toMatch(/field type conflict on dl8-drain-m2/);
    expect((await stored('drain_level')).map((p) => p.fields.level_mm)).toEqual([1, 3, 4]);
  });

  it('closes promptly while waiting for a store that is down, and the held batch comes again at the next start', async () => {
    const switchable = new SwitchableStore(store);
    switchable.down = true;
    await log.append(LOG_TOPICS.telemetry, [source.level(drains[0]!, 7), source.level(drains[0]!, 8, 1_000)]);
    const writer = await start(switchable, { backoff: { initialMs: 60_000, maxMs: 60_000 } });
    await eventually(() => writer.stats().waitingForStore, 'the writer waits for the store');
    await writer.close();

    const next = await start(store);
    await eventually(() => next.stats().pointsWritten === 2, 'both points are written after the restart');
    expect((await stored('drain_level')).map((p) => p.fields.level_mm)).toEqual([7, 8]);
  });
});
