import type { MqttClient } from 'mqtt';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../services/gateway/dead-letter.ts';
import { envelopeFor, GatewayHarness } from '../../support/gateway-harness.ts';

// events.once would reject on the 'error' a cut connection also emits; only the close matters here.
const closedOf = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));

let h: GatewayHarness;
beforeEach(async () => {
  h = await GatewayHarness.start({ limits: { maxPayloadBytes: 8 * 1024, maxFrameBytes: 32 * 1024 } });
});
afterEach(async () => h.close());

const deadLetters = () => h.recorder.json<DeadLetter>('oc.deadletter');
const untilDeadLetter = async (code: string) => {
  await h.recorder.until(() => deadLetters().some((d) => d.code === code));
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
  });

  it('MQTT 5 is refused clearly: the built-in gateway speaks 3.1.1', async () => {
    await expect(h.connect('dl8-cam-01', { protocolVersion: 5 })).rejects.toBeDefined();
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
    expect(dl).toMatchObject({ payloadBytes: big.length, truncated: true });
    expect(Buffer.from(dl.payloadBase64, 'base64').length).toBeLessThan(big.length);
  });

  it('an oversized MQTT frame closes that connection before it is buffered', async () => {
    const c = await h.connect('dl8-drain-m3');
    const closed = closedOf(c);
    c.publish('oc/v1/dl8-drain-m3/telemetry', Buffer.alloc(200_000, 1), { qos: 0 });
    await closed;
    expect(h.gateway.stats().oversizedFrames).toBe(1);
    await expectOthersUnaffected();
  });

  it('a flooding client is slowed, then disconnected, while others are served', async () => {
    await h.close();
    h = await GatewayHarness.start({ limits: { rate: { ratePerSecond: 200, burst: 50, floodAfterMs: 500 } } });
    const flooder = await h.connect('dl8-cam-01');
    const closed = closedOf(flooder);
    const total = 20_000;
    for (let i = 0; i < total; i++) flooder.publish('oc/v1/dl8-cam-01/telemetry', envelopeFor('dl8-cam-01', 'camera', i), { qos: 0 });
    await expectOthersUnaffected();
    await closed;
    const stats = h.gateway.stats();
    expect(stats.floodDisconnects).toBe(1);
    expect(stats.throttled).toBeGreaterThan(0);
    expect(stats.accepted.telemetry).toBeLessThan(total);
    // What was let in kept the device's order.
    const seqs = h.recorder.json<{ seq: number }>('oc.telemetry').map((e) => e.seq);
    expect(seqs).toEqual([...seqs].sort((a, b) => a - b));
  });
});
