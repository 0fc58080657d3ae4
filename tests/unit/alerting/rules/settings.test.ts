import { describe, expect, it } from 'vitest';
import { DEFAULT_RULE_SETTINGS, resolveRuleSettings, type RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { RuleEngine } from '../../../../services/alerting/domain/rules/engine.ts';
import { ruleOverrideProblems } from '../../../../services/alerting/domain/rules/override-checks.ts';
import { loadRuleOverrides } from '../../../../services/alerting/rule-overrides-file.ts';
import { isOcError, type OcError } from '../../../../services/shared/errors.ts';
import { brief, device, Harness, SEC, siteDevices, T0, type Step } from './harness.ts';

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
    { o: { site: { camera: { quietHours: { from: '25:00' } } } }, key: 'camera.quietHours' },
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

describe('rule overrides are checked against the site: a name it does not have is refused at start, by key', () => {
  const site = siteDevices;
  const problemsOf = (o: unknown) => ruleOverrideProblems(o, site).map((p) => `${p.key}: ${p.problem}`);
  it.each([
    [{ devices: { 'dl8-cam-99': { camera: { motionMinConfidence: 0.6 } } } }, "devices.dl8-cam-99: no device 'dl8-cam-99' on this site"],
    [{ compounds: { dl9: { massOutage: { minShare: 0.5 } } } }, "compounds.dl9: no compound 'dl9' on this site"],
    [{ places: { m33: { drain: { warningPct: 50 } } } }, "places.m33: no place or building 'm33' on this site"],
    [{ site: { sprinkler: { on: true } } }, 'site.sprinkler: is not a known rule'],
    [{ devices: { 'dl8-drain-m3': { drain: { warnPct: 50 } } } }, 'devices.dl8-drain-m3.drain.warnPct: is not a known setting'],
    [{ devices: { 'dl8-drain-m3': { camera: { motionMinConfidence: 0.6 } } } }, 'devices.dl8-drain-m3.camera: dl8-drain-m3 is a drain; camera settings would do nothing'],
    // The shipped file's old mistake: the parking camera reports `bays` and `driveway`, not `parking`.
    [{ devices: { 'dl8-cam-12': { camera: { zoneQuietHours: { parking: 'off' } } } } }, "devices.dl8-cam-12.camera.zoneQuietHours.parking: no camera here has a zone 'parking' (dl8-cam-12 has: bays, driveway)"],
    [{ places: { 'lane-2': { camera: { zoneQuietHours: { gateway: 'off' } } } } }, "places.lane-2.camera.zoneQuietHours.gateway: no camera here has a zone 'gateway' (the cameras here have: doorways, lane)"],
    [{ nights: {} }, 'nights: is not a known key'],
  ])('%j', (overrides, expected) => {
    expect(problemsOf(overrides).join('\n')).toContain(expected);
    let err: unknown;
    try {
      new RuleEngine(site, overrides as RuleSettingsOverrides);
    } catch (e) {
      err = e;
    }
    expect(isOcError(err, 'OC_CONFIG_INVALID')).toBe(true);
    expect((err as OcError).details?.keys).toContain(expected.split(':')[0]);
  });

  it('a zone of the camera, a real place, compound and device pass; bad values come back by key too (for the admin API)', () => {
    const good = { compounds: { dl8: { massOutage: { minShare: 0.4 } } }, places: { 'lane-2': { camera: { zoneQuietHours: { doorways: 'off' } } }, b2: { door: { heldOpenMs: 90_000 } } }, devices: { 'dl8-cam-12': { camera: { zoneQuietHours: { bays: 'off' } } } } };
    expect(ruleOverrideProblems(good, site)).toEqual([]);
    const engine = new RuleEngine(site, good as RuleSettingsOverrides);
    expect(engine.settingsOf('dl8-cam-07').camera.zoneQuietHours).toEqual({ doorways: 'off' });
    expect(engine.settingsOf('dl8-b2-u1-door').door.heldOpenMs).toBe(90_000);
    expect(engine.settingsOf('dl8-b1-u1-door').door.heldOpenMs).toBe(60_000);
    expect(ruleOverrideProblems({ site: { drain: { criticalPct: 150 } } }, site).map((p) => p.key)).toEqual(['drain.criticalPct']);
  });

  it('the shipped reference overrides name only what the site has', () => {
    expect(ruleOverrideProblems(loadRuleOverrides(), site)).toEqual([]);
  });
});
