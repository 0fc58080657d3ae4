import { describe, expect, it } from 'vitest';
import type { RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { brief, device, Harness, keepAlive, SEC, T0, type Step } from './harness.ts';

const CAM = device('dl8-cam-05'); // Lane 1, zones "lane" and "doorways"
/** 01:00 local (UTC+8) on the night after T0. */
const ONE_AM = Date.parse('2026-07-16T01:00:00+08:00');
const m = (localHHMMSS: string) => Date.parse(`2026-07-16T${localHHMMSS}+08:00`);

// Device time exactly `at`, so the quiet-hour edges are tested to the millisecond.
const motion = (at: number, zone = 'lane', confidence = 0.9): Step => ({ at, deviceTs: at, device: CAM.deviceId, type: 'motion', data: { zone, confidence, snapshotUri: `sim://${at}.jpg` } });
const ev = (at: number, type: string, data: Record<string, unknown> = {}): Step => ({ at, device: CAM.deviceId, type, data });
const cam = (action: string, type: string, at: number) => `${action} ${type} ${CAM.deviceId} @${Math.round((at - T0) / SEC)}s`;

describe('camera rules', () => {
  const cases: { name: string; steps: Step[]; expected: string[]; overrides?: RuleSettingsOverrides }[] = [
    {
      name: 'motion at 01:00 fires; more motion holds it; 10 min without motion clears it',
      steps: [motion(m('01:00:00')), motion(m('01:05:00')), { tick: m('01:14:59') }, { tick: m('01:15:00') }],
      expected: [cam('fire', 'camera.quiet-hours-motion', m('01:00:00')), cam('clear', 'camera.quiet-hours-motion', m('01:15:00'))],
    },
    { name: 'daytime motion is normal', steps: [motion(T0), motion(m('12:00:00'))], expected: [] },
    { name: 'quiet hours end at 05:00 (exclusive)', steps: [motion(m('05:00:00'))], expected: [] },
    { name: 'quiet hours start at 00:00 (inclusive)', steps: [motion(m('00:00:00'))], expected: [cam('fire', 'camera.quiet-hours-motion', m('00:00:00'))] },
    { name: 'low-confidence night motion (a cat, headlights) is ignored', steps: [motion(ONE_AM, 'lane', 0.3)], expected: [] },
    {
      name: 'debounce: one fire per device per 10 min even when it clears sooner',
      overrides: { devices: { [CAM.deviceId]: { camera: { motionClearMs: 2 * 60_000 } } } },
      steps: [motion(m('01:00:00')), { tick: m('01:02:00') }, motion(m('01:05:00')), { tick: m('01:08:00') }, motion(m('01:11:00'))],
      expected: [cam('fire', 'camera.quiet-hours-motion', m('01:00:00')), cam('clear', 'camera.quiet-hours-motion', m('01:02:00')), cam('fire', 'camera.quiet-hours-motion', m('01:11:00'))],
    },
    {
      name: 'per-zone quiet hours: a zone switched off stays silent, the others follow the camera',
      overrides: { devices: { [CAM.deviceId]: { camera: { zoneQuietHours: { doorways: 'off' } } } } },
      steps: [motion(ONE_AM, 'doorways'), motion(ONE_AM + 60 * SEC, 'lane')],
      expected: [cam('fire', 'camera.quiet-hours-motion', ONE_AM + 60 * SEC)],
    },
    {
      name: 'per-zone quiet hours over midnight: 22:00-06:00',
      overrides: { devices: { [CAM.deviceId]: { camera: { zoneQuietHours: { lane: { from: '22:00', to: '06:00' } } } } } },
      steps: [motion(Date.parse('2026-07-15T23:00:00+08:00'), 'lane'), motion(Date.parse('2026-07-15T23:00:00+08:00') + 1, 'doorways')],
      expected: [cam('fire', 'camera.quiet-hours-motion', Date.parse('2026-07-15T23:00:00+08:00'))],
    },
    {
      name: 'a site on another offset: quiet hours are local time',
      overrides: { site: { camera: { utcOffsetMin: 0 } } },
      steps: [motion(ONE_AM), motion(Date.parse('2026-07-16T01:00:00Z'))],
      expected: [cam('fire', 'camera.quiet-hours-motion', Date.parse('2026-07-16T01:00:00Z'))],
    },
    {
      name: 'every tamper report fires a device fault; nothing clears it automatically',
      steps: [ev(T0, 'tamper.cover', { confidence: 0.9 }), ev(T0 + 60 * SEC, 'tamper.blur', { confidence: 0.8 }), { tick: T0 + 3600 * SEC }],
      expected: [cam('fire', 'camera.tamper', T0), cam('fire', 'camera.tamper', T0 + 60 * SEC)],
    },
    {
      name: 'video loss fires once, clears on video.restored, and flaps fire/clear/fire',
      steps: [ev(T0, 'video.loss'), ev(T0 + 5 * SEC, 'video.loss'), ev(T0 + 60 * SEC, 'video.restored', { downSeconds: 60 }), ev(T0 + 61 * SEC, 'video.restored'), ev(T0 + 90 * SEC, 'video.loss')],
      expected: [cam('fire', 'camera.video-loss', T0), cam('clear', 'camera.video-loss', T0 + 60 * SEC), cam('fire', 'camera.video-loss', T0 + 90 * SEC)],
    },
  ];
  it.each(cases)('$name', ({ steps, expected, overrides }) => {
    expect(new Harness([CAM], overrides).run(keepAlive(steps, [CAM.deviceId])).map(brief)).toEqual(expected);
  });

  it('classifies tamper and video loss as device faults (P2), night motion as security (P3, auto-resolving)', () => {
    const signals = new Harness([CAM]).run([ev(T0, 'tamper.cover'), ev(T0, 'video.loss'), motion(ONE_AM)]);
    expect(signals.map((s) => [s.alertType, s.category, s.priority, s.autoResolve])).toEqual([
      ['camera.tamper', 'device-fault', 'P2', false],
      ['camera.video-loss', 'device-fault', 'P2', true],
      ['camera.quiet-hours-motion', 'security', 'P3', true],
    ]);
    expect(signals[2]!.details).toMatchObject({ zone: 'lane', localTime: '01:00', snapshotUri: `sim://${ONE_AM}.jpg` });
    expect(signals[2]!.summary.zh).toContain('一号巷摄像机');
  });
});

describe('quiet-hours motion titles name the zone as people call it', () => {
  it('the Chinese title carries the zone’s Chinese name, the English one its English name, details the id', () => {
    const [fire] = new Harness([CAM]).run([motion(ONE_AM, 'doorways')]);
    expect(fire!.summary.zh).toContain('「单元门口」');
    expect(fire!.summary.zh).not.toContain('doorways');
    expect(fire!.summary.en).toContain('zone "doorways"');
    expect(fire!.details.zone).toBe('doorways');
  });

  it('the parking camera’s bays read 停车位 in Chinese', () => {
    const parking = device('dl8-cam-12');
    const [fire] = new Harness([parking]).run([{ at: ONE_AM, deviceTs: ONE_AM, device: parking.deviceId, type: 'motion', data: { zone: 'bays', confidence: 0.9 } }]);
    expect(fire!.summary.zh).toContain('「停车位」');
    expect(fire!.summary.en).toContain('zone "parking bays"');
  });
});

describe('lingering: someone staying in one zone, not a resident walking home', () => {
  const lingering = (signals: ReturnType<Harness['run']>) => signals.map((s) => [s.action, Math.round((s.at - ONE_AM) / SEC), s.details.lingering]);

  it('four bursts in one zone over 5 min or more fire again, marked lingering, once per episode', () => {
    const steps = [0, 2, 4, 6, 8].map((min) => motion(ONE_AM + min * 60 * SEC, 'lane'));
    expect(lingering(new Harness([CAM]).run(steps))).toEqual([
      ['fire', 0, false],
      ['fire', 360, true],
    ]);
  });

  it('four bursts spread over two zones, or four within 5 min, are not lingering', () => {
    const zones = [0, 2, 4, 6].map((min, i) => motion(ONE_AM + min * 60 * SEC, i % 2 === 0 ? 'lane' : 'doorways'));
    expect(lingering(new Harness([CAM]).run(zones))).toEqual([['fire', 0, false]]);
    const quick = [0, 1, 2, 3].map((min) => motion(ONE_AM + min * 60 * SEC, 'lane'));
    expect(lingering(new Harness([CAM]).run(quick))).toEqual([['fire', 0, false]]);
  });

  it('motionLingerBursts 1 marks every fire as lingering (a site that wants each burst in the digest)', () => {
    const h = new Harness([CAM], { site: { camera: { motionLingerBursts: 1 } } });
    expect(lingering(h.run([motion(ONE_AM)]))).toEqual([['fire', 0, true]]);
  });
});
