import { describe, expect, it } from 'vitest';
import type { RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { resolveRuleSettings } from '../../../../services/alerting/domain/rules/settings.ts';
import { brief, device, Harness, keepAlive, SEC, T0, type Step } from './harness.ts';

const DOOR = device('dl8-b2-u3-door');
const CAM = device('dl8-cam-07');
const M3 = device('dl8-drain-m3');

const fault = (d: string, atS: number, code = 'OC_DEVICE_UNREACHABLE', reason = 'connect ECONNREFUSED 10.8.2.31:80'): Step => ({ at: T0 + atS * SEC, device: d, type: 'device.fault', data: { code, reason } });
const recovered = (d: string, atS: number, faultSeconds: number): Step => ({ at: T0 + atS * SEC, device: d, type: 'device.recovered', data: { faultSeconds } });
const lost = (d: string, atS: number, fromSeq: number, toSeq: number): Step => ({ at: T0 + atS * SEC, device: d, type: 'events.lost', data: { fromSeq, toSeq, count: toSeq - fromSeq + 1 } });
const level = (atS: number, levelMm: number, batteryPct = 80): Step => ({
  at: T0 + atS * SEC,
  device: M3.deviceId,
  type: 'drain.level',
  data: { levelMm, distanceMm: M3.depthMm! - levelMm, depthMm: M3.depthMm, batteryPct, rssiDbm: -95, overflow: false },
});
const status = (d: string, atS: number, state: 'online' | 'offline'): Step => ({ at: T0 + atS * SEC, device: d, status: state, source: 'will' });
const beat = (d: string, atS: number): Step => ({ at: T0 + atS * SEC, device: d, type: 'agent.heartbeat', data: { uptimeS: atS, pending: 0, reconnects: 0 } });
const tick = (atS: number): Step => ({ tick: T0 + atS * SEC });
const ticks = (fromS: number, toS: number, everyS = 10): Step[] => Array.from({ length: Math.floor((toS - fromS) / everyS) + 1 }, (_, i) => tick(fromS + i * everyS));
const sig = (action: string, type: string, subject: string, atS: number) => `${action} ${type} ${subject} @${atS}s`;

describe('device faults a driver reports (door, camera): grace, fire, clear', () => {
  const d = DOOR.deviceId;
  const cases: { name: string; steps: Step[]; expected: string[]; overrides?: RuleSettingsOverrides }[] = [
    {
      name: 'a fault that recovers within the 2 min grace raises nothing',
      steps: [fault(d, 10), ...ticks(20, 120), recovered(d, 125, 115), ...ticks(130, 400)],
      expected: [],
    },
    {
      name: 'a fault that outlasts the grace fires at the first tick past it; device.recovered clears it',
      steps: [fault(d, 10), ...ticks(20, 290), recovered(d, 300, 290), ...ticks(310, 400)],
      expected: [sig('fire', 'device.fault', d, 130), sig('clear', 'device.fault', d, 300)],
    },
    {
      name: 'another report within the episode neither restarts the grace nor fires twice',
      steps: [fault(d, 10), fault(d, 60, 'OC_DEVICE_TIMEOUT'), ...ticks(20, 290), fault(d, 200, 'OC_DEVICE_MALFORMED_RESPONSE'), recovered(d, 300, 290)],
      expected: [sig('fire', 'device.fault', d, 130), sig('clear', 'device.fault', d, 300)],
    },
    {
      name: 'a report that comes past the grace of its own episode fires at once, without waiting for a tick',
      steps: [fault(d, 10), fault(d, 140, 'OC_DEVICE_TIMEOUT')],
      expected: [sig('fire', 'device.fault', d, 140)],
    },
    {
      name: 'each episode is its own fire and clear; a blip between them raises nothing',
      steps: [
        fault(d, 10), ...ticks(20, 150), recovered(d, 160, 150),
        fault(d, 200), recovered(d, 230, 30),
        fault(d, 300), ...ticks(310, 450), recovered(d, 460, 160),
      ],
      expected: [sig('fire', 'device.fault', d, 130), sig('clear', 'device.fault', d, 160), sig('fire', 'device.fault', d, 420), sig('clear', 'device.fault', d, 460)],
    },
    {
      name: 'device.recovered without a known fault (the fault came before the service started reading) clears nothing',
      steps: [recovered(d, 10, 500), ...ticks(20, 200)],
      expected: [],
    },
    {
      name: 'while the agent is offline the fault waits (device.offline speaks for the device); it fires once the agent is back',
      steps: [fault(d, 10), status(d, 20, 'offline'), ...ticks(30, 390), beat(d, 400), tick(410)],
      expected: [sig('fire', 'device.offline', d, 80), sig('clear', 'device.offline', d, 400), sig('fire', 'device.fault', d, 410)],
    },
    {
      name: 'the grace is a setting: 0 fires on the report itself',
      steps: [fault(d, 10), ...ticks(20, 60), recovered(d, 70, 60)],
      expected: [sig('fire', 'device.fault', d, 10), sig('clear', 'device.fault', d, 70)],
      overrides: { devices: { [d]: { deviceFault: { graceMs: 0 } } } },
    },
  ];
  it.each(cases)('$name', ({ steps, expected, overrides }) => {
    // Heartbeats keep the agent up unless the steps say otherwise, so the tables are about faults.
    const withBeats = steps.some((s) => 'status' in s) ? steps : keepAlive(steps, [d]);
    expect(new Harness([DOOR], overrides).run(withBeats).map(brief)).toEqual(expected);
  });

  it('says which device, what is wrong and for how long; an auto-resolving P3 device fault linked to the report', () => {
    const h = new Harness([CAM]);
    const signals = h.run(keepAlive([{ ...fault(CAM.deviceId, 0, 'OC_DEVICE_AUTH_FAILED', 'ONVIF: sender not authorized'), id: 'cam-07-fault' }, ...ticks(10, 180), recovered(CAM.deviceId, 190, 190)], [CAM.deviceId]));
    const [fire, clear] = signals;
    expect(signals.map(brief)).toEqual([sig('fire', 'device.fault', CAM.deviceId, 120), sig('clear', 'device.fault', CAM.deviceId, 190)]);
    expect(fire!.summary.en).toBe(`${CAM.name.en} fault: refuses the login (for 2 min)`);
    expect(fire!.summary.zh).toBe(`${CAM.name.zh}故障：登录被拒绝（已持续 2 分钟）`);
    expect([fire!.category, fire!.priority, fire!.autoResolve, fire!.fingerprint]).toEqual(['device-fault', 'P3', true, `dl8/${CAM.deviceId}/device.fault`]);
    expect(fire!.details).toMatchObject({ code: 'OC_DEVICE_AUTH_FAILED', reason: 'ONVIF: sender not authorized', faultSince: T0, graceMs: 120_000 });
    // Fired by a tick, yet linked to the device.fault that started it.
    expect(fire!.eventId).toBe('cam-07-fault');
    expect(clear!.summary.en).toBe(`${CAM.name.en} working again after about 3.2 min`);
    expect(clear!.details).toMatchObject({ faultSeconds: 190 });
  });
});

describe('device faults of a drain sensor: one more reason of drain.sensor-fault', () => {
  const m3 = (action: string, atS: number) => sig(action, 'drain.sensor-fault', M3.deviceId, atS);
  const cases: { name: string; steps: Step[]; expected: string[] }[] = [
    {
      name: 'fires past the grace and clears on device.recovered',
      steps: [level(0, 300), fault(M3.deviceId, 10), ...ticks(20, 190), recovered(M3.deviceId, 200, 190), level(210, 302)],
      expected: [m3('fire', 130), m3('clear', 200)],
    },
    {
      name: 'a blip within the grace raises nothing',
      steps: [level(0, 300), fault(M3.deviceId, 10, 'OC_DEVICE_TIMEOUT'), ...ticks(20, 60), recovered(M3.deviceId, 65, 55), level(70, 301), ...ticks(80, 300)],
      expected: [],
    },
    {
      name: 'readings meanwhile do not end it (a wrong clock: readings flow with corrected times until the clock is set)',
      steps: [level(0, 300), fault(M3.deviceId, 10, 'OC_DEVICE_CLOCK_SKEW'), ...ticks(20, 190), level(140, 303), level(160, 299), recovered(M3.deviceId, 200, 190)],
      expected: [m3('fire', 130), m3('clear', 200)],
    },
    {
      name: 'with another reason open, recovery leaves the alert up until that one ends too',
      steps: [level(0, 300, 10), fault(M3.deviceId, 10), ...ticks(20, 190), recovered(M3.deviceId, 200, 190), level(210, 301, 10), level(250, 302, 25)],
      expected: [m3('fire', 0), m3('fire', 130), m3('clear', 250)],
    },
  ];
  it.each(cases)('$name', ({ steps, expected }) => {
    expect(new Harness([M3]).run(keepAlive(steps, [M3.deviceId])).map(brief)).toEqual(expected);
  });

  it('names the reason and carries the driver’s code', () => {
    const [fire] = new Harness([M3]).run(keepAlive([level(0, 300), fault(M3.deviceId, 10, 'OC_DEVICE_SENSOR_ERROR', 'sensor error 3 (transducer fault)'), tick(130)], [M3.deviceId]));
    expect(fire!.summary).toEqual({ zh: 'M3号检查井液位计故障：设备报告故障', en: 'Manhole M3 drain level sensor fault: device fault reported' });
    expect(fire!.details).toMatchObject({ reasons: ['device-fault'], newReasons: ['device-fault'], code: 'OC_DEVICE_SENSOR_ERROR', reason: 'sensor error 3 (transducer fault)' });
    expect([fire!.category, fire!.priority]).toEqual(['device-fault', 'P3']);
  });
});

describe('events lost before the driver read them', () => {
  const d = DOOR.deviceId;
  it('fires a P4 device-fault alert once per gap and never clears it', () => {
    const signals = new Harness([DOOR]).run(keepAlive([lost(d, 10, 2, 7), lost(d, 20, 2, 7), lost(d, 25, 3, 5), ...ticks(30, 600, 30), lost(d, 610, 40, 44)], [d]));
    expect(signals.map(brief)).toEqual([sig('fire', 'device.events-lost', d, 10), sig('fire', 'device.events-lost', d, 610)]);
    const [first] = signals;
    expect([first!.category, first!.priority, first!.autoResolve]).toEqual(['device-fault', 'P4', false]);
    expect(first!.details).toMatchObject({ fromSeq: 2, toSeq: 7, count: 6 });
    expect(first!.summary.en).toBe(`${DOOR.name.en} lost 6 events (seq 2–7), overwritten before they were read; check the device's own log`);
    expect(first!.summary.zh).toContain('丢失 6 条事件');
  });

  it('a gap after a controller restart starts again from low numbers and still counts', () => {
    const signals = new Harness([DOOR]).run([lost(d, 10, 500, 520), lost(d, 20, 3, 4)]);
    expect(signals.map(brief)).toEqual([sig('fire', 'device.events-lost', d, 10), sig('fire', 'device.events-lost', d, 20)]);
  });
});

describe('device-fault settings', () => {
  it('default to a 2 min grace and refuse a negative one, naming the key', () => {
    expect(resolveRuleSettings({}, DOOR).deviceFault).toEqual({ graceMs: 120_000 });
    expect(() => resolveRuleSettings({ site: { deviceFault: { graceMs: -1 } } }, DOOR)).toThrow(/deviceFault\.graceMs/);
  });
});
