import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createAlerting, type Alerting } from '../../../services/alerting/compose.ts';
import { ConsumerHealth } from '../../../services/event-log/guard/consumer-health.ts';
import { ManualClock, systemClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { deviceTopic, LOG_TOPICS } from '../../../services/shared/topics.ts';
import { listDevices, type PlacedDevice } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { TelemetryWriter } from '../../../services/telemetry/telemetry-writer.ts';
import { SqliteTimeSeries } from '../../../services/timeseries/sqlite/sqlite-time-series.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

/** Every shape of `data` that once stalled a consumer, or could: each must be refused before PUBACK. */
const POISON: Record<string, string> = {
  'deep nesting (10,000 levels)': `{"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`,
  'deep arrays': `{"deep":${'['.repeat(20_000)}${']'.repeat(20_000)}}`,
  'huge array': `{"xs":[${'0,'.repeat(20_000)}0]}`,
  'many keys': `{${Array.from({ length: 2_000 }, (_, i) => `"k${i}":${i}`).join(',')}}`,
  'long string': `{"s":"${'x'.repeat(60_000)}"}`,
  'lone surrogate': '{"s":"\\ud83d"}',
  'number beyond 2^53': '{"n":12345678901234567890}',
  'number beyond a double': '{"n":1e999}',
  '__proto__ key': '{"__proto__":{"polluted":true}}',
};

const site = loadSite();
const devices = listDevices(site);
const doors = devices.filter((d) => d.kind === 'door');
const camera = devices.find((d) => d.kind === 'camera')!;

let seq = 0;
const envelopeText = (device: PlacedDevice, type: string, data: string, id = `${device.id}-${type}-${++seq}`) =>
  `{"v":1,"id":"${id}","deviceId":"${device.id}","kind":"${device.kind}","type":"${type}","ts":"${new Date().toISOString()}","seq":${++seq},"data":${data}}`;

const publish = (client: MqttClient, device: PlacedDevice, payload: string) =>
  new Promise<void>((resolve, reject) => client.publish(deviceTopic(device.id, 'event'), payload, { qos: 1 }, (err) => (err ? reject(err) : resolve())));

describe('one poisonous record cannot stop alerting or the telemetry writer', () => {
  let gw: GatewayHarness;
  let health: ConsumerHealth;
  let alerting: Alerting;
  let writer: TelemetryWriter;
  let series: SqliteTimeSeries;

  const startConsumers = async () => {
    health = new ConsumerHealth();
    alerting = await createAlerting({ log: gw.rawLog, devices, storePath: join(gw.dir, 'alerting.db'), clock: new ManualClock(Date.now()), logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL', health, watchClock: systemClock });
    series = SqliteTimeSeries.open({ path: join(gw.dir, 'series.db'), retentionMs: 30 * 86_400_000, synchronous: 'NORMAL', logger: silentLogger() });
    writer = await TelemetryWriter.start({ log: gw.rawLog, store: series, devices, logger: silentLogger(), health, clock: systemClock });
  };
  const stopConsumers = async () => {
    await writer.close();
    await series.close();
    await alerting.runtime.close();
  };

  beforeAll(async () => {
    gw = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    await startConsumers();
  });
  afterAll(async () => {
    await stopConsumers();
    await gw.close();
  });

  /** Publishes every poison shape, then a forced door; returns ms from the door's PUBACK to its committed ticket. */
  const poisonThenForcedDoor = async (door: PlacedDevice): Promise<number> => {
    const cam = await gw.connect(camera.id);
    const lettersBefore = gw.recorder.of(LOG_TOPICS.deadletter).length;
    for (const data of Object.values(POISON)) await publish(cam, camera, envelopeText(camera, 'video.loss', data));
    // Each PUBACK came after its dead letter was appended: refused at the door, none in oc.events.
    const eventsBefore = gw.recorder.of(LOG_TOPICS.events).length;
    await pollUntil('a dead letter for every poison shape', () => gw.recorder.of(LOG_TOPICS.deadletter).length - lettersBefore >= Object.keys(POISON).length);
    const letters = gw.recorder.json<{ code: string; field: string }>(LOG_TOPICS.deadletter).slice(lettersBefore);
    expect(letters).toHaveLength(Object.keys(POISON).length);
    expect(new Set(letters.map((l) => l.code))).toEqual(new Set(['OC_ENVELOPE_LIMIT_EXCEEDED', 'OC_ENVELOPE_UNSAFE_VALUE']));
    expect(letters.every((l) => l.field.startsWith('data'))).toBe(true);
    expect(gw.recorder.of(LOG_TOPICS.events).length).toBe(eventsBefore);

    const client = await gw.connect(door.id);
    const start = performance.now();
    await publish(client, door, envelopeText(door, 'door.forced-open', '{"reason":"no-grant"}'));
    const ticket = await pollUntil(
      `a forced-door ticket for ${door.id}`,
      () => alerting.store.listTickets({ limit: 500 }).find((t) => t.alertType === 'door.forced-open' && t.subject.deviceId === door.id),
      { timeoutMs: 10_000, intervalMs: 5 },
    );
    const ms = performance.now() - start;
    expect(ticket.state).toBeDefined();
    cam.end(true);
    client.end(true);
    return ms;
  };

  it('before and after a restart, a forced door right after the poison becomes a ticket within a second', { timeout: 60_000 }, async () => {
    const before = await poisonThenForcedDoor(doors[0]!);
    expect(before).toBeLessThan(1_000);
    expect(health.stuck()).toEqual([]);

    await stopConsumers();
    await startConsumers();
    const after = await poisonThenForcedDoor(doors[1]!);
    expect(after).toBeLessThan(1_000);
    expect(health.stuck()).toEqual([]);
    const stalls = [alerting.runtime.guard.status().longestStallMs, writer.guard!.status().longestStallMs];
    console.log(`hostile poison: ${Object.keys(POISON).length} poison shapes refused before PUBACK; a forced door right after became a ticket ${Math.round(before)} ms after its PUBACK, ${Math.round(after)} ms after a restart; longest stall one record caused a consumer: ${Math.max(...stalls)} ms`);
  });

  it('poison already in the log (written by a gateway before this check) is dead-lettered by each consumer, which moves on', { timeout: 60_000 }, async () => {
    // What the old gateway accepted: straight into oc.events, as it was.
    const deep = `{"deep":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`;
    await gw.rawLog.append(LOG_TOPICS.events, [{ key: camera.id, value: envelopeText(camera, 'video.loss', deep) }]);
    const client = await gw.connect(doors[2]!.id);
    const start = performance.now();
    await publish(client, doors[2]!, envelopeText(doors[2]!, 'door.forced-open', '{}'));
    await pollUntil('the forced-door ticket behind the old poison', () => alerting.store.listTickets({ limit: 500 }).find((t) => t.alertType === 'door.forced-open' && t.subject.deviceId === doors[2]!.id), { timeoutMs: 10_000, intervalMs: 5 });
    expect(performance.now() - start).toBeLessThan(1_000);
    await pollUntil('the telemetry writer past the poison', () => writer.stats().pointsWritten > 0 && health.stuck().length === 0 && writer.stats().deadLettered > 0);
    const stalls = [alerting.runtime.guard.status().longestStallMs, writer.guard!.status().longestStallMs];
    console.log(`hostile old poison: 10,000-deep record already in the log dead-lettered by both consumers; forced door behind it a ticket in ${Math.round(performance.now() - start)} ms; longest stall: ${Math.max(...stalls)} ms`);
    client.end(true);
  });
});
