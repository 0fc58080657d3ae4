import { connect as tcpConnect, type Socket } from 'node:net';
import { once } from 'node:events';
import mqttPacket from 'mqtt-packet';
import type { MqttClient } from 'mqtt';
import { afterEach, describe, expect, it } from 'vitest';
import type { DeadLetter } from '../../../services/shared/dead-letter.ts';
import { envelopeFor, GatewayHarness, type HarnessOptions } from '../../support/gateway-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

let h: GatewayHarness;
afterEach(async () => h.close());
const start = async (options: HarnessOptions = {}) => (h = await GatewayHarness.start(options));
const letters = () => h.recorder.json<DeadLetter>('oc.deadletter');
const closed = (c: MqttClient) => new Promise<void>((resolve) => (c.disconnected || !c.connected ? resolve() : c.once('close', () => resolve())));

/** An honest device publishing while the attack runs: every one of its events must reach the log. */
async function honestEvents(deviceId: string, kind: string, count: number): Promise<number> {
  const c = await h.connect(deviceId);
  for (let seq = 0; seq < count; seq++) await c.publishAsync(`oc/v1/${deviceId}/event`, envelopeFor(deviceId, kind, seq), { qos: 1 });
  await pollUntil(`${count} events of ${deviceId} in the log`, () => h.recorder.json<{ deviceId: string }>('oc.events').filter((e) => e.deviceId === deviceId).length >= count);
  c.end(true);
  return count - h.recorder.json<{ deviceId: string }>('oc.events').filter((e) => e.deviceId === deviceId).length;
}

describe('gateway limits follow the device, not the connection', () => {
  it('reconnecting buys no fresh allowance: acknowledged messages stay within one device bucket', { timeout: 60_000 }, async () => {
    await start({ limits: { rate: { ratePerSecond: 20, burst: 40, floodAfterMs: 60_000 } } });
    let acked = 0;
    const began = performance.now();
    for (let round = 0; round < 6; round++) {
      const c = await h.connect('dl8-drain-m3');
      // Each connection sends its burst and leaves before the back-pressure bites.
      const sends = Array.from({ length: 40 }, (_, i) => c.publishAsync('oc/v1/dl8-drain-m3/telemetry', envelopeFor('dl8-drain-m3', 'drain', round * 40 + i), { qos: 1 }).then(() => void (acked += 1), () => undefined));
      await Promise.race([Promise.all(sends), new Promise((r) => setTimeout(r, 150))]);
      c.end(true);
      await closed(c);
    }
    const seconds = (performance.now() - began) / 1000;
    // One bucket: its burst plus what the rate refilled meanwhile (a per-connection bucket gave 6 x 40).
    expect(acked).toBeLessThanOrEqual(40 + Math.ceil(seconds * 20) + 5);
    expect(acked).toBeLessThan(6 * 40);
    console.log(`hostile reconnect flood: 6 connections in ${seconds.toFixed(1)} s got ${acked} messages acknowledged (one bucket: burst 40 + 20/s), not 240`);
  });

  it('connect attempts are limited per device', async () => {
    await start({ limits: { connectAttempts: { perDevice: { ratePerSecond: 0.01, burst: 5 }, perAddress: { ratePerSecond: 1_000, burst: 1_000 } } } });
    const outcomes: Array<number | 'ok'> = [];
    for (let i = 0; i < 8; i++) {
      try {
        const c = await h.connect('dl8-cam-01');
        outcomes.push('ok');
        c.end(true);
        await closed(c);
      } catch (err) {
        outcomes.push((err as { code: number }).code);
      }
    }
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'ok', 3, 3, 3]);
    expect(h.gateway.stats().byCode).toMatchObject({ OC_MQTT_CONNECT_RATE: 3 });
    // Another device is not held back by this one's attempts.
    expect(await honestEvents('dl8-cam-02', 'camera', 5)).toBe(0);
  });

  it('two connections fighting over one client id: the live one is kept, the newcomer refused, the fight recorded once', { timeout: 30_000 }, async () => {
    await start();
    const outcomes: string[] = [];
    let live: MqttClient | undefined;
    for (let i = 0; i < 6; i++) {
      try {
        const c = await h.connect('dl8-b1-u1-door');
        outcomes.push('ok');
        if (live) await closed(live); // aedes closes the one taken over
        live = c;
      } catch (err) {
        outcomes.push(`refused ${(err as { code: number }).code}`);
      }
    }
    // Three takeovers pass (a reconnect after a silent cut looks like one); the fourth is a fight.
    expect(outcomes).toEqual(['ok', 'ok', 'ok', 'ok', 'refused 2', 'refused 2']);
    expect(live!.connected).toBe(true);
    await pollUntil('the fight recorded', () => letters().find((l) => l.code === 'OC_CLIENT_ID_CONFLICT'));
    expect(letters().filter((l) => l.code === 'OC_CLIENT_ID_CONFLICT')).toHaveLength(1);
    const statusRecords = h.recorder.of('oc.status').length;
    expect(statusRecords).toBeLessThanOrEqual(8); // 4 online + 3 offline (+1 spare), not one per attempt
  });

  it('connections per address are capped', async () => {
    await start({ limits: { maxConnectionsPerAddress: 3 } });
    const clients = [await h.connect('dl8-cam-01'), await h.connect('dl8-cam-02'), await h.connect('dl8-drain-m3')];
    await expect(h.connect('dl8-drain-m5')).rejects.toThrow();
    expect(h.gateway.stats().byCode).toMatchObject({ OC_MQTT_CONNECTION_LIMIT: 1 });
    clients[0]!.end(true);
    await closed(clients[0]!);
    await pollUntil('a free slot', async () => (await h.connect('dl8-drain-m5').then(() => true, () => false)) || undefined);
  });

  it('before CONNECT a socket may send only a small CONNECT: 500 sockets announcing 262,000-byte PUBLISHes hold no memory', { timeout: 60_000 }, async () => {
    await start();
    global.gc?.();
    const before = process.memoryUsage().rss;
    // The header and the first 32 KB of each body: before the check the gateway buffered them all, waiting for the rest.
    const header = mqttPacket.generate({ cmd: 'publish', topic: 'oc/v1/dl8-cam-01/event', payload: Buffer.alloc(262_000), qos: 0, retain: false, dup: false }).subarray(0, 32_000);
    const sockets: Socket[] = [];
    for (let i = 0; i < 500; i++) {
      const s = tcpConnect(h.gateway.port, '127.0.0.1');
      s.on('error', () => undefined);
      sockets.push(s);
      await once(s, 'connect');
      s.write(header);
    }
    await pollUntil('every attacking socket closed by the gateway', () => sockets.every((s) => s.destroyed || s.readableEnded) || undefined, { timeoutMs: 30_000 });
    const grewMb = (process.memoryUsage().rss - before) / 1e6;
    expect(h.gateway.stats().byCode.OC_MQTT_PRE_CONNECT).toBe(500);
    expect(grewMb).toBeLessThan(60);
    expect(await honestEvents('dl8-cam-02', 'camera', 10)).toBe(0);
    console.log(`hostile slow sockets: 500 sockets announcing 262,000-byte PUBLISHes before CONNECT (32 KB of each sent) all closed; memory grew ${grewMb.toFixed(1)} MB (RSS of the test process: gateway, log and the 500 client sockets); honest device lost 0 of 10`);
    for (const s of sockets) s.destroy();
  });

  it('a junk flood from one device: dead letters bounded per device, the device reported once, honest devices lose nothing', { timeout: 60_000 }, async () => {
    await start();
    const junk = await h.connect('dl8-drain-m3');
    const garbage = Buffer.alloc(60_000, 0x41);
    const began = performance.now();
    const flood = (async () => {
      while (performance.now() - began < 3_000) await junk.publishAsync('oc/v1/dl8-drain-m3/event', garbage, { qos: 1 });
    })();
    const lost = await honestEvents('dl8-cam-02', 'camera', 50);
    await flood;
    const stats = h.gateway.stats();
    const mine = h.recorder.of('oc.deadletter').filter((r) => r.key === 'dl8-drain-m3');
    const bytes = mine.reduce((n, r) => n + r.value.length, 0);
    expect(lost).toBe(0);
    expect(stats.deadLettersCounted).toBeGreaterThan(0);
    // The burst (128 KiB) plus 8 KiB/s for the flood's 3 s, plus the one report.
    expect(bytes).toBeLessThan(128 * 1024 + 4 * 8 * 1024 + 4096);
    expect(letters().filter((l) => l.code === 'OC_DEAD_LETTER_BUDGET')).toHaveLength(1);
    console.log(`hostile junk flood: ${stats.deadLettered} refused messages of 60,000 bytes in 3 s, ${mine.length} dead letters stored (${(bytes / 1024).toFixed(0)} KiB), ${stats.deadLettersCounted} counted only; honest device lost ${lost} of 50`);
  });
});
