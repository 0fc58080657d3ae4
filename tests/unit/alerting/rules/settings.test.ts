import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_SETTINGS, resolveRuleSettings, type RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { brief, device, Harness, SEC, T0, type Step } from './harness.ts';

const M1 = device('dl8-drain-m1');
const M3 = device('dl8-drain-m3');
const other = { ...device('dl8-drain-m2'), deviceId: 'dl9-drain-m2', compoundId: 'dl9' };

describe('rule settings', () => {
  it('defaults are the documented ones', () => {
    expect(DEFAULT_RULE_SETTINGS).toMatchObject({
      drain: { warningPct: 60, criticalPct: 85, hysteresisPct: 5, minDurationMs: 120_000, rapidRiseMm: 150, rapidRiseWindowMs: 600_000, dryRisePct: 20, dryRiseWindowMs: 10_800_000, minLevelMm: -50, maxAboveDepthMm: 100, stuckReadings: 10, staleMs: 900_000, lowBatteryPct: 15 },
      door: { deniedCount: 5, deniedWindowMs: 120_000 },
      camera: { utcOffsetMin: 480, quietHours: { from: '00:00', to: '05:00' }, motionDebounceMs: 600_000, motionClearMs: 600_000 },
      offline: { heartbeatTimeoutMs: 210_000, graceMs: 60_000 },
      massOutage: { minDevices: 3, minShare: 0.3, windowMs: 120_000, clearShare: 0.9 },
    });
    expect(Object.isFrozen(DEFAULT_RULE_SETTINGS.drain)).toBe(true);
  });

  const overrides: RuleSettingsOverrides = {
    site: { drain: { warningPct: 55, criticalPct: 80 } },
    compounds: { dl8: { drain: { warningPct: 50, minDurationMs: 60_000 } } },
    devices: { [M3.deviceId]: { drain: { warningPct: 40 }, camera: { zoneQuietHours: { lane: { to: '06:00' } } } } },
  };
  const cases = [
    { who: 'a device with its own override', d: M3, want: { warningPct: 40, criticalPct: 80, minDurationMs: 60_000, hysteresisPct: 5 } },
    { who: 'a device of an overridden compound', d: M1, want: { warningPct: 50, criticalPct: 80, minDurationMs: 60_000, hysteresisPct: 5 } },
    { who: 'a device of another compound', d: other, want: { warningPct: 55, criticalPct: 80, minDurationMs: 120_000, hysteresisPct: 5 } },
  ];
  it.each(cases)('device beats compound beats site beats defaults: $who', ({ d, want }) => {
    expect(resolveRuleSettings(overrides, d).drain).toMatchObject(want);
  });

  it('a zone overriding one end of its quiet hours takes the other from the camera', () => {
    expect(resolveRuleSettings(overrides, M3).camera.zoneQuietHours).toEqual({ lane: { from: '00:00', to: '06:00' } });
    expect(resolveRuleSettings({}, M3)).toEqual(DEFAULT_RULE_SETTINGS);
  });

  it.each([
    { o: { site: { drain: { criticalPct: 50 } } }, key: 'drain.criticalPct' },
    { o: { site: { drain: { rapidRiseMinPct: 70 } } }, key: 'drain.rapidRiseMinPct' },
    { o: { devices: { [M3.deviceId]: { camera: { quietHours: { from: '25:00' } } } } }, key: 'camera.quietHours' },
    { o: { compounds: { dl8: { massOutage: { minShare: 0 } } } }, key: 'massOutage.minShare' },
    { o: { site: { offline: { graceMs: Number.NaN } } }, key: 'offline.graceMs' },
  ])('refuses $key with the key named, when the engine starts', ({ o, key }) => {
    let err: unknown;
    try {
      new Harness([M1, M3], o as RuleSettingsOverrides);
    } catch (e) {
      err = e;
    }
    expect(isOcError(err) && err.code === 'OC_CONFIG_INVALID').toBe(true);
    expect((err as Error).message).toContain(key);
  });

  const reading = (d: typeof M1, atS: number, levelPct: number): Step => {
    const levelMm = Math.round((levelPct / 100) * d.depthMm!) + (atS % 60 === 0 ? 1 : 0);
    return { at: T0 + atS * SEC, device: d.deviceId, type: 'drain.level', data: { levelMm, distanceMm: d.depthMm! - levelMm, depthMm: d.depthMm, batteryPct: 80, overflow: false } };
  };
  const both = (levelPct: number): Step[] => [0, 30, 60, 90, 120, 150].flatMap((s) => [reading(M1, s, levelPct), reading(M3, s, levelPct)]);

  it('per-device override changes what fires: M3 warns at 45% when set to 40%, M1 at the default does not', () => {
    const h = new Harness([M1, M3], { devices: { [M3.deviceId]: { drain: { warningPct: 40 } } } });
    expect(h.run(both(45)).map(brief)).toEqual([`fire drain.level-warning ${M3.deviceId} @120s`]);
  });

  it('per-compound override applies to every device of it: a 30 s minimum duration fires both sooner', () => {
    const h = new Harness([M1, M3], { compounds: { dl8: { drain: { minDurationMs: 30_000 } } } });
    expect(h.run(both(62)).map(brief)).toEqual([`fire drain.level-warning ${M1.deviceId} @30s`, `fire drain.level-warning ${M3.deviceId} @30s`]);
  });

  it('per-compound mass-outage threshold: minDevices 2 groups two devices of a two-device compound', () => {
    const h = new Harness([M1, M3], { compounds: { dl8: { massOutage: { minDevices: 2 } } } });
    const signals = h.run([
      { at: T0, device: M1.deviceId, status: 'offline', source: 'will' },
      { at: T0 + 5 * SEC, device: M3.deviceId, status: 'offline', source: 'will' },
      { tick: T0 + 60 * SEC },
    ]);
    expect(signals.map((s) => `${s.alertType} ${s.subject.groupId ?? s.subject.deviceId}`)).toEqual(['site.mass-outage dl8']);
  });
});
