import { createHash } from 'node:crypto';
import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../services/shared/dead-letter.ts';
import { until } from '../../support/api-user.ts';
import { GatedLog } from '../../support/gated-log.ts';
import { envelopeFor, GatewayHarness, type HarnessOptions } from '../../support/gateway-harness.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

// events.once would reject on the 'error' a cut connection also emits; only the close matters here.
const closedOf = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

const PINO_WARN = 40;
let h: GatewayHarness;
/** The gateway's own log lines, so a test can see that a refusal was logged, not only counted. */
let logged: ReturnType<typeof recordingLogger>['lines'];
const startHarness = async (options: HarnessOptions) => {
  const capture = recordingLogger('info');
  logged = capture.lines;
  h = await GatewayHarness.start({ ...options, logger: capture.logger });
};
beforeEach(async () => startHarness({ limits: { maxPayloadBytes: 8 * 1024, maxFrameBytes: 32 * 1024 } }));
afterEach(async () => h.close());

const expectLogged = (code: string, times = 1) =>
  expect(logged.filter((l) => l.level === PINO_WARN && l.code === code)).toHaveLength(times);

const deadLetters = () => h.recorder.json<DeadLetter>('oc.deadletter');
const untilDeadLetter = async (code: string) => {
  await h.recorder.until(() => deadLetters().some((d) => d.code === code));
  // The record is appended after the warning is written, so the line is there by now.
  expectLogged(code);
  return deadLetters().find((d) => d.code === code)!;
};

/** A healthy device still gets through: the bad input stalled nothing. */
async function expectOthersUnaffected() {
  const other = await h.connect('dl8-cam-02');
  await other.publishAsync('oc/v1/dl8-cam-02/event', envelopeFor('dl8-cam-02', 'camera', 99), { qos: 1 });
  await h.recorder.until(() => h.recorder.json('oc.events').some((e) => e.id === 'dl8-cam-02-99'));
}

describe('gateway: bad input gets a refusal or a dead letter with a reason', () => {
  it('malformed JSON is acknowledged into the dead letters with the raw bytes', async () => {
    const c = await h.connect('dl8-drain-m3');
    const raw = Buffer.from('{"v":1,"id":"x",');
    await c.publishAsync('oc/v1/dl8-drain-m3/telemetry', raw, { qos: 1 });
    const dl = await untilDeadLetter('OC_ENVELOPE_MALFORMED_JSON');
    expect(Buffer.from(dl.payloadBase64, 'base64').equals(raw)).toBe(true);
    expect(dl).toMatchObject({ clientId: 'dl8-drain-m3', topic: 'oc/v1/dl8-drain-m3/telemetry', payloadBytes: raw.length, truncated: false });
    expect(h.recorder.of('oc.telemetry')).toHaveLength(0);
    await expectOthersUnaffected();
  });

  it('a rejected payload keeps its first 4 KB in its dead letter, with its true size and hash (issue 13: bounded letters)', async () => {
    const c = await h.connect('dl8-drain-m3');
    const raw = Buffer.from(`{"v":1,"note":"${'y'.repeat(6_000)}"`);
    await c.publishAsync('oc/v1/dl8-drain-m3/event', raw, { qos: 1 });
    const dl = await untilDeadLetter('OC_ENVELOPE_MALFORMED_JSON');
    expect(dl).toMatchObject({ payloadBytes: raw.length, truncated: true, payloadSha256: createHash('sha256').update(raw).digest('hex') });
    expect(Buffer.from(dl.payloadBase64, 'base64').equals(raw.subarray(0, 4096))).toBe(true);
  });

  it('a wrong schema version is dead-lettered naming the field', async () => {
    const c = await h.connect('dl8-drain-m3');
    await c.publishAsync('oc/v1/dl8-drain-m3/event', envelopeFor('dl8-drain-m3', 'drain', 1, { v: 2 }), { qos: 1 });
    const dl = await untilDeadLetter('OC_ENVELOPE_VERSION');
    expect(dl.field).toBe('v');
    expect(dl.reason).toContain('v=2');
  });

  it('an envelope claiming another device is dead-lettered', async () => {
    const c = await h.connect('dl8-drain-m3');
    await c.publishAsync('oc/v1/dl8-drain-m3/event', envelopeFor('dl8-drain-m5', 'drain', 1), { qos: 1 });
    expect((await untilDeadLetter('OC_ENVELOPE_DEVICE_MISMATCH')).field).toBe('deviceId');
  });

  it('an unknown device and a wrong password are refused at CONNACK, alike from outside', async () => {
    await expect(h.connect('dl8-ghost-01', { password: 'whatever' })).rejects.toMatchObject({ code: 4 });
    await expect(h.connect('dl8-cam-01', { password: 'wrong' })).rejects.toMatchObject({ code: 4 });
    await expect(h.connect('dl8-cam-01', { username: 'dl8-cam-02', password: h.secrets.get('dl8-cam-02')! })).rejects.toMatchObject({ code: 2 });
    const stats = h.gateway.stats();
    expect(stats.refusedConnections).toBe(3);
    expect(stats.byCode).toMatchObject({ OC_AUTH_UNKNOWN_DEVICE: 1, OC_AUTH_BAD_CREDENTIALS: 1, OC_AUTH_CLIENT_ID_MISMATCH: 1 });
    await expectOthersUnaffected();
    // Told as one summary line (at the latest when the gateway stops), not a line per attempt.
    await h.gateway.close();
    const summaries = logged.filter((l) => l.level === PINO_WARN && typeof l.refused === 'number');
    expect(summaries).toHaveLength(1);
    expect(summaries[0]).toMatchObject({ refused: 3, byCode: { OC_AUTH_UNKNOWN_DEVICE: 1, OC_AUTH_BAD_CREDENTIALS: 1, OC_AUTH_CLIENT_ID_MISMATCH: 1 } });
  });

  it('a connection without keep-alive, or with a longer one than allowed, is refused: its silence would go unnoticed', async () => {
    await expect(h.connect('dl8-cam-01', { keepalive: 0 })).rejects.toMatchObject({ code: 6 });
    await expect(h.connect('dl8-cam-01', { keepalive: 301 })).rejects.toMatchObject({ code: 6 });
    // aedes reports the refusal after the CONNACK is written, so the client may hear of it first.
    await until('both refusals counted', () => (h.gateway.stats().refusedConnections === 2 ? true : undefined));
    expectLogged('OC_MQTT_CONNECT_REFUSED', 2);
    expect(h.gateway.stats().connected).toBe(0);
    await expectOthersUnaffected();
  });

  it('MQTT 5 is refused clearly: the built-in gateway speaks 3.1.1', async () => {
    await expect(h.connect('dl8-cam-01', { protocolVersion: 5 })).rejects.toMatchObject({ code: 1 });
    await until('the refusal counted', () => (h.gateway.stats().refusedConnections === 1 ? true : undefined));
    expectLogged('OC_MQTT_CONNECT_REFUSED');
    await expectOthersUnaffected();
  });

  it('publishing under another device id closes the connection and is recorded', async () => {
    const c = await h.connect('dl8-cam-01');
    const closed = closedOf(c);
    c.publish('oc/v1/dl8-cam-02/event', envelopeFor('dl8-cam-02', 'camera', 1), { qos: 1 });
    await closed;
    const dl = await untilDeadLetter('OC_ACL_PUBLISH_DENIED');
    expect(dl.reason).toContain('may not publish for dl8-cam-02');
    expect(h.recorder.json('oc.events').some((e) => e.deviceId === 'dl8-cam-02')).toBe(false);
    await expectOthersUnaffected();
  });

  it('publishing to its own config topic is refused too', async () => {
    const c = await h.connect('dl8-cam-01');
    const closed = closedOf(c);
    c.publish('oc/v1/dl8-cam-01/config', '{}', { qos: 1 });
    await closed;
    expect((await untilDeadLetter('OC_ACL_PUBLISH_DENIED')).reason).toContain('config is published by the platform only');
  });

  it('subscribing outside its own config gets SUBACK failure and keeps the connection', async () => {
    const c = await h.connect('dl8-cam-01');
    await expect(c.subscribeAsync('oc/v1/+/event', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    await expect(c.subscribeAsync('#', { qos: 1 })).rejects.toThrow(/Subscribe error/);
    expect(c.connected).toBe(true);
    const granted = await c.subscribeAsync('oc/v1/dl8-cam-01/config', { qos: 1 });
    expect(granted.map((g) => g.qos)).toEqual([1]);
    expect(h.gateway.stats().deniedSubscriptions).toBe(2);
    expectLogged('OC_ACL_SUBSCRIBE_DENIED', 2);
    const config = new Promise<[string, Buffer]>((resolve) => c.once('message', (t, p) => resolve([t, p])));
    await h.gateway.publishConfig('dl8-cam-01', { motionQuietHours: '00:00-05:00' });
    const [topic, payload] = await config;
    expect(topic).toBe('oc/v1/dl8-cam-01/config');
    expect(JSON.parse(payload.toString())).toEqual({ motionQuietHours: '00:00-05:00' });
  });

  it('an oversized payload is dead-lettered, cut to a sample, with its true size and hash', async () => {
    const c = await h.connect('dl8-drain-m3');
    const big = envelopeFor('dl8-drain-m3', 'drain', 1, { data: { blob: 'x'.repeat(20_000) } });
    await c.publishAsync('oc/v1/dl8-drain-m3/telemetry', big, { qos: 1 });
    const dl = await untilDeadLetter('OC_PAYLOAD_TOO_LARGE');
    expect(dl).toMatchObject({ payloadBytes: big.length, truncated: true, payloadSha256: createHash('sha256').update(big).digest('hex') });
    // Cut to a sample: the kept bytes are the start of what was sent.
    expect(Buffer.from(dl.payloadBase64, 'base64').equals(big.subarray(0, 4096))).toBe(true);
    expect(c.connected).toBe(true);
    await expectOthersUnaffected();
  });

  it('an oversized MQTT frame closes that connection before it is buffered', async () => {
    const c = await h.connect('dl8-drain-m3');
    const closed = closedOf(c);
    c.publish('oc/v1/dl8-drain-m3/telemetry', Buffer.alloc(200_000, 1), { qos: 0 });
    await closed;
    expect(h.gateway.stats().oversizedFrames).toBe(1);
    expectLogged('OC_FRAME_TOO_LARGE');
    await expectOthersUnaffected();
  });

  it('a flooding client is slowed, then disconnected, while others are served', async () => {
    await h.close();
    await startHarness({ limits: { rate: { ratePerSecond: 200, burst: 50, floodAfterMs: 500 } } });
    const flooder = await h.connect('dl8-cam-01');
    const closed = closedOf(flooder);
    const total = 20_000;
    for (let i = 0; i < total; i++) flooder.publish('oc/v1/dl8-cam-01/telemetry', envelopeFor('dl8-cam-01', 'camera', i), { qos: 0 });
    await expectOthersUnaffected();
    await closed;
    const stats = h.gateway.stats();
    expect(stats.floodDisconnects).toBe(1);
    expectLogged('OC_FLOOD');
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.accepted.telemetry).toBeLessThan(total);
    // What was let in kept the device's order.
    const seqs = h.recorder.json<{ seq: number }>('oc.telemetry').map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
  it('other devices keep flowing while a flooder is still connected and held back', async () => {
    await h.close();
    // Flood detection far off: this is the window in which the flooder is throttled but not yet cut.
    await startHarness({ limits: { rate: { ratePerSecond: 200, burst: 50, floodAfterMs: 600_000 } } });
    const flooder = await h.connect('dl8-cam-01');
    const total = 20_000;
    for (let i = 0; i < total; i++) flooder.publish('oc/v1/dl8-cam-01/telemetry', envelopeFor('dl8-cam-01', 'camera', i), { qos: 0 });
    await h.recorder.until(() => h.gateway.stats().throttled > 0);

    const other = await h.connect('dl8-b1-u1-door');
    for (let seq = 0; seq < 20; seq++) {
      await other.publishAsync('oc/v1/dl8-b1-u1-door/event', envelopeFor('dl8-b1-u1-door', 'door', seq), { qos: 1 });
    }
    await h.recorder.until(() => h.recorder.json('oc.events').filter((e) => e.deviceId === 'dl8-b1-u1-door').length === 20);

    // All twenty were acknowledged and logged while the flood was still queued behind its rate.
    const stats = h.gateway.stats();
    expect(flooder.connected).toBe(true);
    expect(stats.floodDisconnects).toBe(0);
    expect(stats.accepted.telemetry).toBeLessThan(total);
    const seqs = h.recorder.json<{ deviceId: string; seq: number }>('oc.events').filter((e) => e.deviceId === 'dl8-b1-u1-door').map((e) => e.seq);
    expect(seqs).toEqual([...Array(20).keys()]);
  });

  it('a storm of wrong-password connections is refused, then throttled, while another device keeps publishing', async () => {
    const attempts = 100;
    const refusals = Promise.allSettled(Array.from({ length: attempts }, () => h.connect('dl8-cam-01', { password: 'guess' })));
    const other = await h.connect('dl8-cam-02');
    for (let seq = 0; seq < 20; seq++) {
      await other.publishAsync('oc/v1/dl8-cam-02/event', envelopeFor('dl8-cam-02', 'camera', seq), { qos: 1 });
    }
    const outcomes = await refusals;
    // Wrong secret (4) until the device id is locked after 5 failures, then "try later" (3) for the rest.
    const codes = outcomes.map((o) => (o.status === 'rejected' ? (o.reason as { code?: number }).code : 'connected'));
    expect(codes.filter((c) => c === 4)).toHaveLength(6);
    expect(codes.filter((c) => c === 3)).toHaveLength(attempts - 6);
    expect(h.gateway.stats().byCode).toMatchObject({ OC_AUTH_BAD_CREDENTIALS: 6, OC_AUTH_THROTTLED: attempts - 6 });
    expectLogged('OC_AUTH_BAD_CREDENTIALS', 0);
    await h.recorder.until(() => h.recorder.json('oc.events').filter((e) => e.deviceId === 'dl8-cam-02').length === 20);
  });

  it('a stream of malformed and oversized payloads, stuck on its way to the dead letters, stalls no other device', async () => {
    await h.close();
    let gate!: GatedLog;
    // A budget large enough that every letter of this test is stored (the budget has its own test).
    const roomy = { letters: { ratePerSecond: 1_000, burst: 1_000 }, bytes: { ratePerSecond: 1e9, burst: 1e9 } };
    await startHarness({
      limits: { maxPayloadBytes: 8 * 1024, maxFrameBytes: 32 * 1024, deadLetters: { perDevice: roomy, total: roomy, reportEveryMs: 60_000 } },
      wrapLog: (log) => (gate = new GatedLog(log, (topic) => topic === 'oc.deadletter')),
    });
    gate.hold();
    const bad = await h.connect('dl8-drain-m3');
    const kinds: Array<[string, Buffer]> = [
      ['OC_ENVELOPE_MALFORMED_JSON', Buffer.from('{"v":1,')],
      ['OC_ENVELOPE_VERSION', envelopeFor('dl8-drain-m3', 'drain', 1, { v: 2 })],
      ['OC_PAYLOAD_TOO_LARGE', envelopeFor('dl8-drain-m3', 'drain', 2, { data: { blob: 'x'.repeat(20_000) } })],
      ['OC_ENVELOPE_DEVICE_MISMATCH', envelopeFor('dl8-drain-m5', 'drain', 3)],
    ];
    const rounds = 25;
    let badAcked = 0;
    const badDone = Promise.all(
      Array.from({ length: rounds * kinds.length }, (_, i) =>
        bad.publishAsync('oc/v1/dl8-drain-m3/telemetry', kinds[i % kinds.length]![1], { qos: 1 }).then(() => {
          badAcked += 1;
        }),
      ),
    );
    await gate.nextAppend();

    const other = await h.connect('dl8-cam-02');
    for (let seq = 0; seq < 20; seq++) {
      await other.publishAsync('oc/v1/dl8-cam-02/event', envelopeFor('dl8-cam-02', 'camera', seq), { qos: 1 });
    }
    await h.recorder.until(() => h.recorder.json('oc.events').filter((e) => e.deviceId === 'dl8-cam-02').length === 20);
    // Served while every bad payload still waited: none of them was acknowledged yet.
    expect(badAcked).toBe(0);
    expect(deadLetters()).toHaveLength(0);

    gate.release();
    await badDone;
    await h.recorder.until(() => deadLetters().length === rounds * kinds.length);
    for (const [code] of kinds) {
      expect(deadLetters().filter((d) => d.code === code)).toHaveLength(rounds);
      expectLogged(code, rounds);
    }
    expect(bad.connected).toBe(true);
    expect(h.recorder.of('oc.telemetry')).toHaveLength(0);
  });
});
