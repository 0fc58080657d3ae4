import { afterEach, describe, expect, it } from 'vitest';
import { DISTANCE_NO_ECHO } from '../../../edge-agent/drivers/drain/register-map.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { DrainModel } from '../../../simulators/models/drain.ts';
import { createRng } from '../../../simulators/prng.ts';
import { DEPTH_MM, DEVICE, DrainRig, T0, until } from './drain-rig.ts';

let rig: DrainRig | undefined;

afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const MODEL_FIELDS = ['batteryPct', 'depthMm', 'distanceMm', 'levelMm', 'overflow', 'rssiDbm'];

/** The envelope types after the first one of `type`, for "what happened next" assertions. */
const after = (types: string[], type: string) => types.slice(types.indexOf(type) + 1);

describe('drain driver against the simulated Modbus TCP sensor, through a real agent and gateway', () => {
  it('publishes drain.level with the sensor sample time, model fields, and a gap-free seq', async () => {
    rig = await DrainRig.start();
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the power-up measurement');
    r.clock.advance(60_000); // the sensor's next measuring period
    await r.untilLogged(() => r.of('drain.level').length === 2, 'the next measurement');

    const levels = r.of('drain.level');
    expect(levels.map((e) => e.ts)).toEqual([new Date(T0).toISOString(), new Date(T0 + 60_000).toISOString()]);
    for (const e of levels) {
      expect(e).toMatchObject({ kind: 'drain', deviceId: DEVICE });
      expect(Object.keys(e.data).sort()).toEqual(MODEL_FIELDS);
      expect((e.data.levelMm as number) + (e.data.distanceMm as number)).toBe(DEPTH_MM);
      expect(e.data.depthMm).toBe(DEPTH_MM);
      // The simulated manhole is far from full at dinner time with a clear pipe.
      expect(e.data.overflow).toBe(false);
    }
    expect(r.delivered().map((e) => e.seq)).toEqual(r.delivered().map((_, i) => i));
    expect(r.types()).not.toContain('device.fault');
    expect(r.driver.status()).toMatchObject({ state: 'ok', faults: 0 });
  });

  it('carries exactly what the behaviour model reported when the model drives the simulator', async () => {
    const device = listDevices(loadSite()).find((d) => d.id === DEVICE)!;
    rig = await DrainRig.start({ device });
    const r = rig;
    const model = new DrainModel({ device, rng: createRng(3), startMs: T0 });
    model.schedule({ do: 'rainstorm', durationS: 1200, intensityMmH: 80 }, T0 + 5 * 60_000);
    const outputs = model.advance(T0 + 30 * 60_000).slice(0, 24);
    expect(outputs.length).toBe(24);

    // The power-up reading came from the stand-alone bucket; from the first feed on, the model owns the water.
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the power-up measurement');
    for (const [i, output] of outputs.entries()) {
      r.clock.set(output.at);
      expect(r.sim.feed(output)).toBe(true);
      // One reading at a time: the sensor's registers hold only the latest measurement.
      await r.untilLogged(() => r.of('drain.level').length === i + 2, `model reading ${i}`);
    }
    const fromModel = r.of('drain.level').slice(1);
    expect(fromModel.map((e) => e.data)).toEqual(outputs.map((o) => o.data));
    expect(fromModel.map((e) => Date.parse(e.ts))).toEqual(outputs.map((o) => o.at));
    // The storm pushed the level past half the depth, where the model samples every 15 s.
    expect(Math.max(...outputs.map((o) => o.data.levelMm as number))).toBeGreaterThan(device.depthMm! / 2);
    expect(r.sim.feed({ channel: 'event', type: 'device.fault', data: {}, at: T0 })).toBe(false);
  });

  it('reports an exception answer once, keeps polling, and recovers', async () => {
    rig = await DrainRig.start();
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');
    r.sim.misbehave('exception');
    await r.untilLogged(() => r.of('device.fault').length === 1, 'device.fault');
    const requests = r.sim.requestsReceived;
    await until(() => r.sim.requestsReceived >= requests + 3, 'the driver to keep asking');
    expect(r.driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_REFUSED', faults: 1 });

    r.sim.behave();
    await r.untilLogged(() => r.of('device.recovered').length === 1, 'device.recovered');
    r.sim.measureNow();
    await r.untilLogged(() => r.of('drain.level').length === 2, 'a reading after recovery');

    expect(r.of('device.fault')[0]!.data).toEqual({ code: 'OC_DEVICE_REFUSED', reason: expect.stringContaining('Modbus exception 4 (server device failure)') });
    expect(r.of('device.recovered')[0]!.data).toEqual({ faultSeconds: expect.any(Number) });
    expect(r.types()).toEqual(['drain.level', 'device.fault', 'device.recovered', 'drain.level']);
    expect(r.driver.status()).toMatchObject({ state: 'ok', faults: 1 });
  });

  it.each([
    { how: 'silent' as const, code: 'OC_DEVICE_TIMEOUT' },
    { how: 'noise' as const, code: 'OC_DEVICE_TIMEOUT' },
    { how: 'garbage' as const, code: 'OC_DEVICE_MALFORMED_RESPONSE' },
    { how: 'hang-up' as const, code: 'OC_DEVICE_UNREACHABLE' },
  ])('a sensor that goes $how is a $code fault; a fresh connection brings it back', async ({ how, code }) => {
    // Timeouts are what this test provokes, so a short one; the others never see it.
    rig = await DrainRig.start({ driver: { requestTimeoutMs: 300 } });
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');
    const connections = r.sim.connectionsAccepted;
    r.sim.misbehave(how);
    await r.untilLogged(() => r.of('device.fault').length === 1, 'device.fault');
    // The driver drops the link and reconnects, again and again, without a second fault event.
    await until(() => r.sim.connectionsAccepted >= connections + 2, 'reconnect attempts');
    expect(r.of('device.fault')[0]!.data).toMatchObject({ code });

    r.sim.behave();
    await r.untilLogged(() => r.of('device.recovered').length === 1, 'device.recovered');
    r.sim.measureNow();
    await r.untilLogged(() => r.of('drain.level').length === 2, 'a reading over the new connection');
    expect(r.types()).toEqual(['drain.level', 'device.fault', 'device.recovered', 'drain.level']);
    expect(r.driver.status()).toMatchObject({ state: 'ok', faults: 1 });
  });

  it('rides out a restart and a long power cut with one fault each, and keeps retrying meanwhile', async () => {
    rig = await DrainRig.start();
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');

    r.clock.advance(1_000); // the reboot's power-up measurement is then a new one
    await r.sim.restart();
    // The rebooted sensor measures at power-up: counter 1 again, a new reading.
    await r.untilLogged(() => r.of('device.recovered').length === 1 && r.of('drain.level').length === 2, 'recovery after the restart');
    expect(after(r.types(), 'drain.level')).toEqual(['device.fault', 'device.recovered', 'drain.level']);
    expect(r.of('device.fault')[0]!.data).toMatchObject({ code: 'OC_DEVICE_UNREACHABLE' });

    await r.sim.powerOff();
    await r.untilLogged(() => r.of('device.fault').length === 2, 'the power cut fault');
    const attempts = r.logs.count('connecting');
    await until(() => r.logs.count('connecting') >= attempts + 3, 'connection retries while the sensor is off');
    expect(r.of('device.fault').length).toBe(2);
    expect(r.driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_UNREACHABLE' });

    r.clock.advance(1_000);
    await r.sim.powerOn();
    await r.untilLogged(() => r.of('device.recovered').length === 2 && r.of('drain.level').length === 3, 'recovery after the power cut');
    expect(r.driver.status()).toMatchObject({ state: 'ok', faults: 2 });
    expect(r.logs.lines.some((l) => l.msg === 'device fault' && l.code === 'OC_DEVICE_UNREACHABLE')).toBe(true);
  });

  it('treats implausible values and sensor errors as faults, never as levels', async () => {
    rig = await DrainRig.start();
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');

    for (const [i, script] of [{ distanceMm: 2500 }, { distanceMm: DISTANCE_NO_ECHO }, { distanceMm: -40 }, { errorCode: 2 }].entries()) {
      r.sim.sensorFault(script);
      r.sim.measureNow();
      await r.untilLogged(() => r.of('device.fault').length === i + 1, `fault for ${JSON.stringify(script)}`);
      r.sim.clearSensorFault();
      r.sim.measureNow();
      await r.untilLogged(() => r.of('device.recovered').length === i + 1 && r.of('drain.level').length === i + 2, 'recovery');
    }
    expect(r.of('device.fault').map((e) => e.data.code)).toEqual([
      'OC_DEVICE_IMPLAUSIBLE_VALUE',
      'OC_DEVICE_IMPLAUSIBLE_VALUE',
      'OC_DEVICE_IMPLAUSIBLE_VALUE',
      'OC_DEVICE_SENSOR_ERROR',
    ]);
    expect(r.of('device.fault')[3]!.data.reason).toContain('echo too weak');
    for (const e of r.of('drain.level')) {
      expect(e.data.distanceMm as number).toBeGreaterThanOrEqual(0);
      expect(e.data.distanceMm as number).toBeLessThanOrEqual(DEPTH_MM);
    }
  });

  it('flags a sensor clock off by more than the tolerance, corrects the reading time, and sets the clock', async () => {
    rig = await DrainRig.start({ driver: { clockToleranceMs: 30_000 } });
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');

    r.clock.advance(5_000);
    r.sim.skewClock(10 * 60_000);
    r.sim.measureNow();
    await r.untilLogged(() => r.of('device.recovered').length === 1, 'recovery once the clock is set');

    expect(r.types()).toEqual(['drain.level', 'device.fault', 'drain.level', 'device.recovered']);
    expect(r.of('device.fault')[0]!.data).toEqual({ code: 'OC_DEVICE_CLOCK_SKEW', reason: expect.stringContaining('600 s ahead of the agent') });
    // The sensor stamped T0 + 5 s + 10 min; the envelope carries the agent's time of that measurement.
    expect(r.of('drain.level')[1]!.ts).toBe(new Date(T0 + 5_000).toISOString());
    expect(r.sim.sensor.clockSkewMs).toBe(0);
  });

  it('keeps reporting with corrected times when it may not set the clock', async () => {
    rig = await DrainRig.start({ driver: { clockToleranceMs: 30_000, syncClock: false } });
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');
    r.sim.skewClock(-3600_000);
    r.sim.measureNow();
    await r.untilLogged(() => r.of('drain.level').length === 2, 'two readings');
    const requests = r.sim.requestsReceived;
    await until(() => r.sim.requestsReceived >= requests + 3, 'more polls');
    expect(r.types()).toEqual(['drain.level', 'device.fault', 'drain.level']);
    expect(r.of('device.fault')[0]!.data).toMatchObject({ code: 'OC_DEVICE_CLOCK_SKEW', reason: expect.stringContaining('3600 s behind') });
    expect(r.of('drain.level').map((e) => e.ts)).toEqual([new Date(T0).toISOString(), new Date(T0).toISOString()]);
    expect(r.sim.sensor.clockSkewMs).toBe(-3600_000);
  });

  it('answers a wrong unit id with a refusal fault naming the Modbus exception', async () => {
    rig = await DrainRig.start({ driver: { unitId: 7 } });
    const r = rig;
    await r.untilLogged(() => r.of('device.fault').length === 1, 'device.fault');
    expect(r.of('device.fault')[0]!.data).toEqual({ code: 'OC_DEVICE_REFUSED', reason: expect.stringContaining('gateway target device failed to respond') });
    expect(r.types()).toEqual(['device.fault']);
    // Never ok before: a device that never answered is a fault, not a relapse.
    expect(r.driver.status()).toMatchObject({ state: 'fault', faults: 0 });
  });

  it('keeps readings in the outbox while the gateway refuses the agent login, and delivers them all after', async () => {
    rig = await DrainRig.start({ password: 'not-the-secret' });
    const r = rig;
    await until(() => r.agent.stats().produced === 1, 'the power-up reading produced');
    r.clock.advance(60_000);
    await until(() => r.agent.stats().produced === 2, 'two readings produced');
    await until(() => r.logs.count('mqtt error') >= 1, 'the refused login');
    expect(r.agent.stats()).toMatchObject({ connected: false, pending: 2 });
    expect(r.driver.status().state).toBe('ok');
    expect(r.delivered()).toEqual([]);

    // The installer fixes the secret: a new agent on the same outbox sends what was kept, in order.
    await r.driver.close();
    await r.agent.close();
    // The sensor measures again meanwhile; the new driver sends that one (it never saw the old sample).
    r.clock.advance(60_000);
    r.agent = r.newAgent(r.h.secrets.get(DEVICE)!);
    r.agent.start();
    r.driver = r.newDriver();
    r.driver.start();
    await r.untilLogged(() => r.of('drain.level').length === 3, 'the kept readings and a new one');
    expect(r.delivered().map((e) => e.seq)).toEqual([0, 1, 2]);
    expect(r.of('drain.level').map((e) => Date.parse(e.ts) - T0)).toEqual([0, 60_000, 120_000]);
  });

  it('closes promptly with a request in flight and leaves no connection open', async () => {
    rig = await DrainRig.start({ driver: { requestTimeoutMs: 120_000 } });
    const r = rig;
    await r.untilLogged(() => r.of('drain.level').length === 1, 'the first reading');
    r.sim.misbehave('silent');
    const requests = r.sim.requestsReceived;
    await until(() => r.sim.requestsReceived > requests, 'a request the sensor will not answer');
    // The request timeout is far beyond the test timeout: close() must not wait for it.
    await r.driver.close();
    await until(() => r.sim.openConnections === 0, 'the connection to close');
    expect(r.driver.status().state).toBe('ok');
    expect(() => r.driver.start()).toThrow(/closed/);
  });
});
