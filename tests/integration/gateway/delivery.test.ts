import { connect as netConnect, type Socket } from 'node:net';
import mqttPacket from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import { GatedLog } from '../../support/gated-log.ts';
import { envelopeFor, GatewayHarness } from '../../support/gateway-harness.ts';

let h: GatewayHarness;
let gate: GatedLog;
afterEach(async () => h?.close());

const startGated = async () => {
  h = await GatewayHarness.start({
    wrapLog: (log) => (gate = new GatedLog(log, (topic, records) => topic === 'oc.events' && records[0]?.key === 'dl8-drain-m3')),
  });
};
const closedOf = (c: MqttClient) => new Promise<void>((resolve) => c.once('close', () => resolve()));
type Status = { deviceId: string; state: string; source: string };
const statuses = () => h.recorder.json<Status>('oc.status');

describe('gateway: PUBACK only after the event log accepted', () => {
  it('holds the PUBACK while the append is pending, and sends it once the record is durable', async () => {
    await startGated();
    gate.hold();
    const device = await h.connect('dl8-drain-m3');
    const other = await h.connect('dl8-cam-01');
    let acknowledged = false;
    const appended = gate.nextAppend();
    const puback = device.publishAsync('oc/v1/dl8-drain-m3/event', envelopeFor('dl8-drain-m3', 'drain', 0), { qos: 1 }).then(() => {
      acknowledged = true;
    });
    await appended;
    // A full round trip for another device after the append began: the held PUBACK must still be missing.
    await other.publishAsync('oc/v1/dl8-cam-01/event', envelopeFor('dl8-cam-01', 'camera', 0), { qos: 1 });
    expect(acknowledged).toBe(false);
    expect(h.recorder.json('oc.events').some((e) => e.deviceId === 'dl8-drain-m3')).toBe(false);
    gate.release();
    await puback;
    await h.recorder.until(() => h.recorder.json('oc.events').some((e) => e.id === 'dl8-drain-m3-0'));
  });

  it('acknowledges a rejected payload only once its dead-letter record is durable', async () => {
    h = await GatewayHarness.start({ wrapLog: (log) => (gate = new GatedLog(log, (topic) => topic === 'oc.deadletter')) });
    gate.hold();
    const device = await h.connect('dl8-drain-m3');
    const other = await h.connect('dl8-cam-01');
    let acknowledged = false;
    const appended = gate.nextAppend();
    const puback = device.publishAsync('oc/v1/dl8-drain-m3/event', Buffer.from('not json'), { qos: 1 }).then(() => {
      acknowledged = true;
    });
    await appended;
    await other.publishAsync('oc/v1/dl8-cam-01/event', envelopeFor('dl8-cam-01', 'camera', 0), { qos: 1 });
    expect(acknowledged).toBe(false);
    gate.release();
    await puback;
    expect(gate.completed).toBe(1);
    await h.recorder.until(() => h.recorder.of('oc.deadletter').length === 1);
    expect(h.recorder.json('oc.deadletter')[0]).toMatchObject({ code: 'OC_ENVELOPE_MALFORMED_JSON', clientId: 'dl8-drain-m3' });
  });

  it('sends no PUBACK and closes the connection when the log refuses, so the device keeps the message', async () => {
    await startGated();
    gate.failNext();
    const device = await h.connect('dl8-drain-m3');
    let acknowledged = false;
    const closed = closedOf(device);
    device.publish('oc/v1/dl8-drain-m3/event', envelopeFor('dl8-drain-m3', 'drain', 0), { qos: 1 }, (err) => {
      if (!err) acknowledged = true;
    });
    await closed;
    expect(acknowledged).toBe(false);
    expect(h.gateway.stats().appendFailures).toBe(1);
    // The device resends on its next connection and the record arrives.
    const again = await h.connect('dl8-drain-m3');
    await again.publishAsync('oc/v1/dl8-drain-m3/event', envelopeFor('dl8-drain-m3', 'drain', 0), { qos: 1 });
    await h.recorder.until(() => h.recorder.json('oc.events').some((e) => e.id === 'dl8-drain-m3-0'));
  });
});

/**
 * Drain M5 over a bare socket (a byte-level MQTT 3.1.1 CONNECT with a retained `offline` will),
 * so a test decides exactly what the device does afterwards: nothing at all, or vanish.
 */
function rawDrainConnect(harness: GatewayHarness, keepalive: number): { socket: Socket; connack: Promise<void> } {
  const socket = netConnect(harness.gateway.port, '127.0.0.1');
  socket.on('error', () => {});
  const connack = new Promise<void>((resolve) => socket.once('data', () => resolve()));
  socket.write(
    mqttPacket.generate({
      cmd: 'connect',
      protocolId: 'MQTT',
      protocolVersion: 4,
      clean: true,
      clientId: 'dl8-drain-m5',
      username: 'dl8-drain-m5',
      password: Buffer.from(harness.secrets.get('dl8-drain-m5')!),
      keepalive,
      will: { topic: 'oc/v1/dl8-drain-m5/status', payload: Buffer.from('offline'), qos: 1, retain: true },
    }),
  );
  return { socket, connack };
}

describe('gateway: device status', () => {
  it('records online on connect, the device status, and offline on a clean disconnect', async () => {
    h = await GatewayHarness.start();
    const c = await h.connect('dl8-cam-01');
    await c.publishAsync('oc/v1/dl8-cam-01/status', 'online', { qos: 1, retain: true });
    await c.endAsync();
    await h.recorder.until(() => statuses().some((s) => s.state === 'offline'));
    expect(statuses().map((s) => [s.state, s.source])).toEqual([
      ['online', 'connect'],
      ['online', 'device'],
      ['offline', 'disconnect'],
    ]);
  });

  it('detects a silent device by keep-alive and publishes its will', async () => {
    h = await GatewayHarness.start();
    const { socket } = rawDrainConnect(h, 1);
    // Then silence: no PINGREQ ever comes.
    await h.recorder.until(() => statuses().filter((s) => s.deviceId === 'dl8-drain-m5' && s.state === 'offline').length === 2);
    const sources = statuses().filter((s) => s.state === 'offline').map((s) => s.source).sort();
    expect(sources).toEqual(['keepalive-timeout', 'will']);
    socket.destroy();
  });

  it('tells a connection dropped without DISCONNECT (power or network cut) from a clean one, and publishes the will', async () => {
    h = await GatewayHarness.start();
    const { socket, connack } = rawDrainConnect(h, 30);
    await connack;
    await h.recorder.until(() => statuses().some((s) => s.deviceId === 'dl8-drain-m5' && s.state === 'online'));
    // The power goes: the socket is gone, no DISCONNECT was sent.
    socket.destroy();
    await h.recorder.until(() => statuses().filter((s) => s.deviceId === 'dl8-drain-m5' && s.state === 'offline').length === 2);
    const sources = statuses().filter((s) => s.deviceId === 'dl8-drain-m5' && s.state === 'offline').map((s) => s.source).sort();
    expect(sources).toEqual(['connection-lost', 'will']);
  });

  it('on close, stops accepting and records every connected device offline before returning', async () => {
    h = await GatewayHarness.start({ wrapLog: (log) => (gate = new GatedLog(log, (topic) => topic === 'oc.status')) });
    await h.connect('dl8-cam-01');
    await h.connect('dl8-drain-m3');
    await h.recorder.until(() => statuses().filter((s) => s.state === 'online').length === 2);
    const port = h.gateway.port;
    await h.gateway.close();
    // Two online and two offline records were durable by the time close() returned.
    expect(gate.completed).toBe(4);
    await h.recorder.until(() => statuses().filter((s) => s.source === 'gateway-shutdown').length === 2);
    const refused = await new Promise<string>((resolve) => {
      const s = netConnect(port, '127.0.0.1');
      s.on('connect', () => resolve('connected'));
      s.on('error', (err: NodeJS.ErrnoException) => resolve(err.code ?? 'error'));
    });
    expect(refused).toBe('ECONNREFUSED');
    await h.startGateway(0); // so the harness can close it again
  });
});
