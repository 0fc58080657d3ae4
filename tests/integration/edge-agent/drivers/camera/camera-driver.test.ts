import { afterEach, describe, expect, it } from 'vitest';
import { pollUntil } from '../../../../support/poll-until.ts';
import { EdgeAgent } from '../../../../../edge-agent/agent.ts';
import { OnvifCameraDriver } from '../../../../../edge-agent/drivers/camera/onvif-camera-driver.ts';
import type { CameraDriverConfigInput } from '../../../../../edge-agent/drivers/camera/camera-driver-config.ts';
import { MemoryOutbox } from '../../../../../edge-agent/outbox/memory-outbox.ts';
import { ManualClock, type Clock } from '../../../../../services/shared/clock.ts';
import { validateEnvelope, type Envelope } from '../../../../../services/shared/envelope.ts';
import { silentLogger } from '../../../../../services/shared/logger.ts';
import { listDevices } from '../../../../../services/site/devices.ts';
import { loadSite } from '../../../../../services/site/load.ts';
import { CameraModel } from '../../../../../simulators/models/camera.ts';
import { createRng } from '../../../../../simulators/prng.ts';
import { OnvifCameraSimulator } from '../../../../../simulators/protocols/camera/onvif-camera-simulator.ts';
import { GatewayHarness } from '../../../../support/gateway-harness.ts';
import { decodePng } from '../../../../support/png-decoder.ts';

/**
 * The real ONVIF driver against the ONVIF camera simulator over real HTTP, with a
 * real EdgeAgent publishing to the real gateway: what is asserted is what reached
 * the event log (oc.events), the way the platform sees it.
 */

const DEVICE = 'dl8-cam-01';
const T0 = Date.parse('2026-07-15T12:00:00Z');
const cleanups: Array<() => Promise<void> | void> = [];
let h: GatewayHarness;
let sim: OnvifCameraSimulator;
let driver: OnvifCameraDriver;

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
});

interface Rig {
  simClock?: Clock;
  agentClock?: Clock;
  driver?: Partial<CameraDriverConfigInput>;
}

async function rig(options: Rig = {}): Promise<void> {
  h = await GatewayHarness.start();
  cleanups.push(() => h.close());
  sim = new OnvifCameraSimulator({ username: 'admin', password: 'right', clock: options.simClock });
  await sim.listen(0);
  cleanups.push(() => sim.close());
  const outbox = new MemoryOutbox();
  cleanups.push(() => outbox.close());
  const agent = new EdgeAgent({
    deviceId: DEVICE,
    kind: 'camera',
    brokerUrl: h.url,
    password: h.secrets.get(DEVICE)!,
    outbox,
    heartbeatIntervalMs: 0,
    reconnectPeriodMs: 20,
    maxReconnectPeriodMs: 200,
    logger: silentLogger(),
    clock: options.agentClock,
  });
  agent.start();
  cleanups.push(() => agent.close());
  driver = new OnvifCameraDriver(
    { url: sim.url, username: 'admin', password: 'right', reconnectInitialMs: 20, reconnectMaxMs: 200, ...options.driver },
    { agent, logger: silentLogger(), clock: options.agentClock },
  );
  driver.start();
  cleanups.push(() => driver.close());
}

/** Another real agent on the same gateway, for a second camera. */
async function secondAgent(deviceId: string): Promise<[EdgeAgent]> {
  const outbox = new MemoryOutbox();
  cleanups.push(() => outbox.close());
  const agent = new EdgeAgent({ deviceId, kind: 'camera', brokerUrl: h.url, password: h.secrets.get(deviceId)!, outbox, heartbeatIntervalMs: 0, logger: silentLogger() });
  agent.start();
  cleanups.push(() => agent.close());
  return [agent];
}

/** The camera's envelopes in the event log, once each, in seq order. */
function delivered(): Envelope[] {
  const byId = new Map<string, Envelope>();
  for (const e of h.recorder.json<Envelope>('oc.events')) if (e.deviceId === DEVICE) byId.set(e.id, e);
  return [...byId.values()].sort((a, b) => a.seq - b.seq);
}
const ofType = (type: string) => delivered().filter((e) => e.type === type);
const arrived = (check: (events: Envelope[]) => boolean) => h.recorder.until(() => check(delivered()));

/** Polls a condition that no event announces; the deadline only turns a hang into a clear failure. */
async function eventually(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  await pollUntil(what, check, { timeoutMs, intervalMs: 10 });
}

/** From here on the driver is long-polling, so what the camera raises reaches it at once. */
const driverIsPulling = () => eventually(() => sim.stats().waitingPulls > 0, 'the driver to long-poll');

describe('ONVIF camera driver ↔ simulated camera ↔ edge agent ↔ gateway', () => {
  it('delivers motion, tamper and video events with the camera times and a snapshot URI that serves a PNG', async () => {
    await rig();
    await driverIsPulling();
    const t = Date.now() - 60_000;
    sim.raise({ type: 'motion', zone: 'gateway', confidence: 0.91 }, t);
    sim.raise({ type: 'tamper.cover', topic: 'sceneChange', confidence: 0.8 }, t + 1_000);
    sim.raise({ type: 'tamper.blur' }, t + 2_000);
    sim.raise({ type: 'tamper.cover', topic: 'tamper' }, t + 3_000);
    sim.raise({ type: 'motion', topic: 'motionAlarm' }, t + 4_000);
    sim.raise({ type: 'video.loss' }, t + 5_000);
    sim.raise({ type: 'video.restored' }, t + 47_000);
    await arrived((events) => events.length === 7);

    const events = delivered();
    for (const e of events) validateEnvelope(e);
    const snapshotUri = `http://127.0.0.1:${sim.port}/onvif/snapshot?profile=profile_main`;
    expect(events.map((e) => [e.type, e.ts, e.data])).toEqual([
      ['motion', new Date(t).toISOString(), { zone: 'gateway', confidence: 0.91, snapshotUri }],
      ['tamper.cover', new Date(t + 1_000).toISOString(), { zone: 'scene', confidence: 0.8, snapshotUri }],
      ['tamper.blur', new Date(t + 2_000).toISOString(), { zone: 'scene', confidence: 1, snapshotUri }],
      ['tamper.cover', new Date(t + 3_000).toISOString(), { zone: 'scene', confidence: 1, snapshotUri }],
      ['motion', new Date(t + 4_000).toISOString(), { zone: 'scene', confidence: 1, snapshotUri }],
      ['video.loss', new Date(t + 5_000).toISOString(), { reason: 'signal-lost', snapshotUri }],
      ['video.restored', new Date(t + 47_000).toISOString(), { downSeconds: 42, snapshotUri }],
    ]);
    expect(events.every((e) => e.kind === 'camera')).toBe(true);

    const res = await fetch(snapshotUri);
    const png = decodePng(Buffer.from(await res.arrayBuffer()));
    expect(png.width * png.height).toBeGreaterThan(0);
    expect(driver.status()).toMatchObject({ state: 'ok', faults: 0 });
    expect(driver.cameraInfo()).toMatchObject({ manufacturer: 'OpenCompound', model: 'SimCam 2000', serialNumber: 'SIM00000001', profileToken: 'profile_main' });
  });

  it('a wrong password is an auth fault (status and one device.fault), and it recovers when the account is fixed', async () => {
    await rig({ driver: { password: 'wrong' } });
    await arrived(() => ofType('device.fault').length === 1);
    expect(ofType('device.fault')[0]!.data).toEqual({ code: 'OC_DEVICE_AUTH_FAILED', reason: expect.stringContaining('Sender not Authorized') });
    expect(driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_AUTH_FAILED' });
    await eventually(() => sim.stats().authFailures >= 3, 'the driver to retry');
    expect(sim.stats().requests.CreatePullPointSubscription ?? 0).toBe(0);

    sim.setCredentials('admin', 'wrong'); // the installer sets the camera to what the agent was given
    await arrived(() => ofType('device.recovered').length === 1);
    expect(ofType('device.fault')).toHaveLength(1); // one per episode, however many retries
    expect(ofType('device.recovered')[0]!.data.faultSeconds).toBeGreaterThanOrEqual(0);
    expect(driver.status().state).toBe('ok');

    await driverIsPulling();
    sim.raise({ type: 'motion', zone: 'pavement' });
    await arrived(() => ofType('motion').length === 1);
  });

  it('a camera restart on the same port: fault, reconnect, new subscription, events resume', async () => {
    await rig();
    await driverIsPulling();
    sim.raise({ type: 'motion', zone: 'before' });
    await arrived(() => ofType('motion').length === 1);

    await sim.restart();
    await arrived(() => ofType('device.recovered').length === 1);
    await driverIsPulling();
    sim.raise({ type: 'motion', zone: 'after' });
    await arrived(() => ofType('motion').length === 2);

    expect(delivered().map((e) => [e.type, e.data.zone ?? e.data.code])).toEqual([
      ['motion', 'before'],
      ['device.fault', 'OC_DEVICE_UNREACHABLE'],
      ['device.recovered', undefined],
      ['motion', 'after'],
    ]);
    expect(sim.stats().requests.CreatePullPointSubscription).toBe(2);
    expect(driver.status()).toMatchObject({ state: 'ok', faults: 1 });
  });

  it('garbage and cut-off XML answers are malformed-response faults; the driver recovers each time', async () => {
    await rig();
    await driverIsPulling();
    sim.misbehave('garbage'); // the waiting pull gets garbage at once
    await arrived(() => ofType('device.fault').length === 1);
    expect(driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_MALFORMED_RESPONSE' });
    sim.misbehave(null);
    await arrived(() => ofType('device.recovered').length === 1);

    await driverIsPulling();
    sim.misbehave('malformed-xml');
    await arrived(() => ofType('device.fault').length === 2);
    sim.misbehave(null);
    await arrived(() => ofType('device.recovered').length === 2);

    expect(ofType('device.fault').map((e) => e.data.code)).toEqual(['OC_DEVICE_MALFORMED_RESPONSE', 'OC_DEVICE_MALFORMED_RESPONSE']);
    await driverIsPulling();
    sim.raise({ type: 'tamper.blur' });
    await arrived(() => ofType('tamper.blur').length === 1);
  });

  it('a camera that does not answer is a timeout fault, and a dropped connection an unreachable one', async () => {
    const hanging = new OnvifCameraSimulator({ username: 'admin', password: 'right' });
    hanging.misbehave('hang');
    await hanging.listen(0);
    cleanups.push(() => hanging.close());
    await rig();
    // A second camera on the same agent would be a second device; this one only needs its driver status.
    const [agent] = await secondAgent('dl8-cam-02');
    const hangDriver = new OnvifCameraDriver(
      { url: hanging.url, username: 'admin', password: 'right', requestTimeoutMs: 300, reconnectInitialMs: 20, reconnectMaxMs: 100 },
      { agent, logger: silentLogger() },
    );
    hangDriver.start();
    cleanups.push(() => hangDriver.close());
    await eventually(() => hangDriver.status().faultCode === 'OC_DEVICE_TIMEOUT', 'a timeout fault');
    await h.recorder.until(() => h.recorder.json<Envelope>('oc.events').some((e) => e.deviceId === 'dl8-cam-02' && e.data.code === 'OC_DEVICE_TIMEOUT'));

    await driverIsPulling();
    sim.misbehave('drop');
    await arrived(() => ofType('device.fault').length === 1);
    expect(ofType('device.fault')[0]!.data.code).toBe('OC_DEVICE_UNREACHABLE');
    sim.misbehave(null);
    await arrived(() => ofType('device.recovered').length === 1);
  });

  it('a camera clock 10 min ahead: device.fault for clock skew, event times corrected, recovery when the clock is set', async () => {
    const agentClock = new ManualClock(T0);
    const simClock = new ManualClock(T0 + 10 * 60_000);
    await rig({ agentClock, simClock });
    await arrived(() => ofType('device.fault').length === 1);
    const fault = ofType('device.fault')[0]!;
    expect(fault.data).toEqual({ code: 'OC_DEVICE_CLOCK_SKEW', reason: 'device clock is 600 s ahead of the agent (tolerance 10 s)' });
    expect(fault.ts).toBe(new Date(T0).toISOString()); // the agent's own observation, on the agent clock

    await driverIsPulling();
    const pulls = sim.stats().requests.PullMessages ?? 0;
    sim.raise({ type: 'motion', zone: 'gateway' }); // stamped by the camera: T0 + 10 min
    await arrived(() => ofType('motion').length === 1);
    // Let the driver finish its Renew and wait in the next pull: a clock that jumps between a
    // pull and its Renew makes the camera refuse the Renew's token, a different (real) story.
    await eventually(() => (sim.stats().requests.PullMessages ?? 0) > pulls && sim.stats().waitingPulls > 0, 'the next pull');
    expect(ofType('motion')[0]!.ts).toBe(new Date(T0).toISOString());
    expect(ofType('motion')[0]!.data.deviceTime).toBe(new Date(T0 + 10 * 60_000).toISOString());
    expect(driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_CLOCK_SKEW' });

    simClock.set(T0 + 2_000); // NTP fixed it; within tolerance
    sim.raise({ type: 'motion', zone: 'lane' });
    await arrived(() => ofType('motion').length === 2);
    const [recovered, motion] = delivered().slice(-2);
    expect(recovered!.type).toBe('device.recovered');
    expect(motion!.ts).toBe(new Date(T0 + 2_000).toISOString()); // the camera's own time again
    expect(motion!.data.deviceTime).toBeUndefined();

    // The WS-Security clock followed the camera's jump back: the Renew and the next pull are accepted.
    await eventually(() => (sim.stats().requests.PullMessages ?? 0) > pulls + 1 && sim.stats().waitingPulls > 0, 'the pull after that');
    sim.raise({ type: 'tamper.blur' });
    await arrived(() => ofType('tamper.blur').length === 1);
    expect(ofType('device.fault')).toHaveLength(1);
    expect(sim.stats().authFailures).toBe(0);
    expect(driver.status().state).toBe('ok');
  });

  it('an expired pull point is subscribed again without a fault, and events keep coming', async () => {
    const clock = new ManualClock(T0); // camera and agent agree on the time; only the subscription runs out
    await rig({ agentClock: clock, simClock: clock });
    await driverIsPulling();
    clock.advance(3 * 60_000); // past the PT2M the onvif package asks for
    // The camera expires the pull point (and wakes its waiting pull) when it next looks: this
    // motion reaches no live subscription and is lost, as on a real camera.
    sim.raise({ type: 'motion', zone: 'lost' });
    await eventually(() => sim.stats().requests.CreatePullPointSubscription === 2 && sim.stats().waitingPulls > 0, 'a new subscription');
    sim.raise({ type: 'motion', zone: 'kept' });
    await arrived(() => ofType('motion').length === 1);
    expect(delivered().map((e) => [e.type, e.data.zone])).toEqual([['motion', 'kept']]);
    expect(driver.status()).toMatchObject({ state: 'ok', faults: 0 });
  });

  it('carries a behaviour model through the protocol: model → simulator.feed → driver → envelopes', async () => {
    await rig();
    await driverIsPulling();
    const start = Date.now() - 3_600_000;
    const placed = listDevices(loadSite()).find((d) => d.id === DEVICE)!;
    const model = new CameraModel({ device: placed, rng: createRng(7), startMs: start });
    model.schedule({ do: 'tamper', mode: 'cover' }, start + 60_000);
    model.schedule({ do: 'tamper', mode: 'blur', durationS: 60 }, start + 120_000);
    model.schedule({ do: 'video-loss', durationS: 90 }, start + 300_000);
    model.schedule({ do: 'motion', zone: 'pavement' }, start + 600_000);
    const outputs = model.advance(start + 1_800_000);
    expect(outputs.length).toBeGreaterThanOrEqual(5);
    for (const output of outputs) expect(sim.feed(output)).toBe(true);
    await arrived((events) => events.length === outputs.length);

    const comparable = (type: string, at: string | number, data: Record<string, unknown>) => [type, new Date(at).toISOString(), data.zone, data.confidence, data.reason, data.downSeconds];
    expect(delivered().map((e) => comparable(e.type, e.ts, e.data))).toEqual(outputs.map((o) => comparable(o.type, o.at, o.data)));
    expect(sim.feed({ channel: 'telemetry', type: 'agent.heartbeat', data: {}, at: start })).toBe(false);
  });

  it('close() unsubscribes, ends the long poll and leaves the camera with no subscription', async () => {
    await rig();
    await driverIsPulling();
    await driver.close();
    expect(sim.stats()).toMatchObject({ subscriptions: 0, waitingPulls: 0 });
    expect(sim.stats().requests.Unsubscribe).toBe(1);
  });
});
