import { describe, expect, it } from 'vitest';
import { brief, device, Harness, HOUR, MIN, SEC, T0, type Step } from './harness.ts';

const M3 = device('dl8-drain-m3');

/**
 * The level and grease rules alone: a rapid rise is its own alert (issue 14: a signal for the
 * desk's strip and the storm incident, never a ticket by itself), asserted in its own section.
 */
class LevelHarness extends Harness {
  override run(steps: Parameters<Harness['run']>[0]): ReturnType<Harness['run']> {
    return super.run(steps).filter((s) => s.alertType !== 'drain.rapid-rise');
  }
}
const DEPTH = M3.depthMm!;

/** A drain.level reading from M3 at `atS` seconds after T0, with the level as a share of depth. */
function pct(atS: number, levelPct: number, extra: Record<string, unknown> = {}): Step {
  return mm(atS, Math.round((levelPct / 100) * DEPTH), extra);
}

function mm(atS: number, levelMm: number, extra: Record<string, unknown> = {}): Step {
  return {
    at: T0 + atS * SEC,
    device: M3.deviceId,
    type: 'drain.level',
    data: { levelMm, distanceMm: DEPTH - levelMm, depthMm: DEPTH, batteryPct: 80, rssiDbm: -95, overflow: false, ...extra },
  };
}

/** A real sensor jitters by a few mm; without it a flat series is (rightly) a stuck sensor. */
const JITTER_MM = [0, 2, -1, 1, -2];

/** Readings every `everyS` seconds from `fromS` to `toS` inclusive, level given by `f(seconds)`, with jitter. */
function series(fromS: number, toS: number, everyS: number, f: (s: number) => number, unit: 'pct' | 'mm' = 'pct', jitter = true): Step[] {
  const out: Step[] = [];
  for (let s = fromS, k = 0; s <= toS; s += everyS, k++) {
    const levelMm = unit === 'pct' ? (f(s) / 100) * DEPTH : f(s);
    out.push(mm(s, Math.round(levelMm) + (jitter ? JITTER_MM[k % JITTER_MM.length]! : 0)));
  }
  return out;
}

const m3 = (action: string, type: string, atS: number) => `${action} ${type} ${M3.deviceId} @${atS}s`;

describe('the one drain level ticket: minimum duration, hysteresis, worst state, evidence before it clears', () => {
  // Defaults: warning 60 %, critical 85 %, hysteresis 5 points, 2 min up before firing; a clear
  // needs 10 min below 55 % in at least 5 readings with no gap over 3 min. Times are device time.
  const cases: { name: string; steps: Step[]; expected: string[] }[] = [
    { name: 'below the warning threshold raises nothing', steps: series(0, 600, 30, () => 58), expected: [] },
    {
      name: 'warning fires once the level has been up for 2 min of device time, not before',
      steps: series(0, 300, 30, () => 62),
      expected: [m3('fire', 'drain.level-warning', 120)],
    },
    { name: 'a spike shorter than the minimum duration raises nothing', steps: [...series(0, 90, 30, () => 70), ...series(120, 600, 30, () => 40)], expected: [] },
    {
      name: 'a dip below threshold minus hysteresis restarts the minimum duration',
      steps: [...series(0, 90, 30, () => 62), pct(100, 54), ...series(110, 400, 30, () => 62)],
      expected: [m3('fire', 'drain.level-warning', 230)],
    },
    {
      name: 'jitter around the threshold still fires, exactly once (the hysteresis band does not reset the timer)',
      steps: series(0, 1800, 15, (s) => ((s / 15) % 2 === 0 ? 60.4 : 59.6)),
      expected: [m3('fire', 'drain.level-warning', 120)],
    },
    {
      name: 'a level hovering in and out of the band gives one ticket, not a flapping series: short calm spells clear nothing',
      steps: [...series(0, 300, 30, () => 62), ...series(330, 600, 30, () => 54), ...series(630, 900, 30, () => 62), ...series(930, 1200, 30, () => 50), ...series(1230, 1500, 30, () => 61)],
      expected: [m3('fire', 'drain.level-warning', 120)],
    },
    {
      name: 'it clears only after 10 min of readings below warning minus hysteresis (inside the band it holds)',
      steps: [...series(0, 150, 30, () => 62), ...series(180, 600, 30, () => 56), ...series(630, 1500, 30, () => 54)],
      expected: [m3('fire', 'drain.level-warning', 120), m3('clear', 'drain.level-warning', 1230)],
    },
    {
      name: 'a real second rise after a proven recovery is fire, clear, fire',
      steps: [...series(0, 300, 30, () => 62), ...series(330, 1000, 30, () => 40), ...series(1030, 1300, 30, () => 62)],
      expected: [m3('fire', 'drain.level-warning', 120), m3('clear', 'drain.level-warning', 930), m3('fire', 'drain.level-warning', 1150)],
    },
    {
      name: 'warning, then critical, then overflowing: each worse stage fires on the same ticket; falling back gives nothing until it clears',
      steps: [...series(0, 300, 30, () => 70), ...series(330, 600, 30, () => 90), pct(630, 100, { overflow: true }), ...series(660, 900, 30, () => 90), ...series(930, 1300, 30, () => 70)],
      expected: [m3('fire', 'drain.level-warning', 120), m3('fire', 'drain.level-critical', 450), m3('fire', 'drain.level-critical', 630)],
    },
    {
      name: 'straight to critical is one fire, not a warning and a critical',
      steps: series(0, 300, 30, () => 90),
      expected: [m3('fire', 'drain.level-critical', 120)],
    },
    {
      name: 'an overflow reading fires at once; the critical level after it adds nothing',
      steps: [pct(0, 100, { overflow: true }), pct(15, 100, { overflow: true }), ...series(30, 300, 30, () => 95)],
      expected: [m3('fire', 'drain.level-critical', 0)],
    },
    {
      name: 'a full chamber reading 0 mm distance without the overflow flag is water, not a sensor fault',
      steps: [mm(0, DEPTH, { distanceMm: 0 }), mm(15, DEPTH, { distanceMm: 0 }), mm(30, DEPTH - 2), mm(120, DEPTH, { distanceMm: 0 })],
      expected: [m3('fire', 'drain.level-critical', 120)],
    },
    {
      name: 'a power cut is a gap, not a recovery: the first low reading after it clears nothing; 10 min of readings after it do',
      steps: [...series(0, 300, 30, () => 90), ...series(900, 2000, 60, () => 30)],
      expected: [m3('fire', 'drain.level-critical', 120), m3('clear', 'drain.level-critical', 1500)],
    },
    {
      name: 'a gap in the middle of the calm spell restarts it',
      steps: [...series(0, 300, 30, () => 70), ...series(330, 600, 30, () => 40), ...series(900, 1600, 60, () => 40)],
      expected: [m3('fire', 'drain.level-warning', 120), m3('clear', 'drain.level-warning', 1500)],
    },
    {
      name: 'overflow: true never clears anything, whatever the level says (1599 of 1600 mm flagged overflowing)',
      steps: [...series(0, 300, 30, () => 90), ...Array.from({ length: 40 }, (_, i) => mm(330 + 30 * i, DEPTH - 1, { overflow: true }))],
      expected: [m3('fire', 'drain.level-critical', 120), m3('fire', 'drain.level-critical', 330)],
    },
    {
      name: 'one overflow reading inside a calm spell restarts the hold',
      steps: [...series(0, 300, 30, () => 70), ...series(330, 600, 30, () => 40), pct(630, 40, { overflow: true }), ...series(660, 1400, 30, () => 40)],
      expected: [m3('fire', 'drain.level-warning', 120), m3('fire', 'drain.level-critical', 630), m3('clear', 'drain.level-critical', 1260)],
    },
  ];
  it.each(cases)('$name', ({ steps, expected }) => {
    expect(new LevelHarness([M3]).run(steps).map(brief)).toEqual(expected);
  });

  it('too few readings in the hold time clear nothing (clearMinReadings)', () => {
    const h = new LevelHarness([M3], { devices: { [M3.deviceId]: { drain: { clearMinReadings: 8 } } } });
    // Readings every 150 s: 10 min below the level holds 5 readings, the 8th comes at 1050 s after the first calm one.
    const steps = [...series(0, 300, 30, () => 70), ...series(450, 2000, 150, () => 40)];
    expect(h.run(steps).map(brief)).toEqual([m3('fire', 'drain.level-warning', 120), m3('clear', 'drain.level-warning', 1500)]);
  });

  it('every stage is one fingerprint per manhole, retitling the ticket; the title says how bad it is now, in both languages', () => {
    const signals = new LevelHarness([M3]).run([...series(0, 300, 30, () => 70), ...series(330, 600, 30, () => 90.2), pct(630, 100, { overflow: true })]);
    expect(new Set(signals.map((x) => x.fingerprint))).toEqual(new Set([`dl8/${M3.deviceId}/drain.level`]));
    expect(signals.every((x) => x.retitle === true)).toBe(true);
    expect(signals.map((x) => x.summary)).toEqual([
      { zh: 'M3号检查井水位 70%（预警）', en: 'Manhole M3 level 70% (warning)' },
      { zh: 'M3号检查井水位 90%（危险）', en: 'Manhole M3 level 90% (critical)' },
      { zh: 'M3号检查井满溢（危险）', en: 'Manhole M3 overflowing (critical)' },
    ]);
    expect(signals.map((x) => [x.priority, x.category, x.details.stage, x.details.previousStage])).toEqual([
      ['P2', 'drainage', 'warning', undefined],
      ['P1', 'drainage', 'critical', 'warning'],
      ['P1', 'drainage', 'overflow', 'critical'],
    ]);
    expect(signals[0]!.details).toMatchObject({ depthMm: DEPTH, thresholdPct: 60, clearBelowPct: 55, clearHoldMs: 10 * MIN });
  });

  it('the clear after a warning resolves the ticket by itself; after critical it does not (someone checks the street)', () => {
    const warning = new LevelHarness([M3]).run([...series(0, 300, 30, () => 70), ...series(330, 1000, 30, () => 30)]);
    expect(warning.map((x) => [x.action, x.autoResolve])).toEqual([['fire', true], ['clear', true]]);
    const critical = new LevelHarness([M3]).run([...series(0, 300, 30, () => 90), ...series(330, 1000, 30, () => 30)]);
    expect(critical.map((x) => [x.action, x.autoResolve, x.details.worstStage])).toEqual([['fire', false, undefined], ['clear', false, 'critical']]);
  });
});

describe('drain rapid rise: an alert, not a level ticket', () => {
  it.each([
    ['+160 mm in 4 min that then holds below warning', series(0, 1200, 60, (s) => 500 + 40 * Math.min(s / 60, 4), 'mm'), [m3('fire', 'drain.rapid-rise', 240), m3('clear', 'drain.rapid-rise', 720)]],
    ['a storm rise that falls back', series(0, 1800, 60, (s) => (s < 600 ? 400 + s : 1000 - (s - 600) * 0.5), 'mm'), [m3('fire', 'drain.rapid-rise', 180), m3('clear', 'drain.rapid-rise', 960)]],
  ])('%s raises only the rapid-rise alert (its rule never makes it a ticket)', (_name, steps, expected) => {
    expect(new Harness([M3]).run(steps).map(brief)).toEqual(expected);
    expect(new LevelHarness([M3]).run(steps).map(brief)).toEqual([]);
  });

  it('a rise that reaches warning says so on the level ticket', () => {
    // 500 mm rising 40 mm/min to 1100 mm (69 %): at or above 60 % from 720 s, the warning fires 2 min later.
    const [warning, ...rest] = new LevelHarness([M3]).run(series(0, 1500, 60, (s) => 500 + 40 * Math.min(s / 60, 15), 'mm'));
    expect(rest).toEqual([]);
    expect(brief(warning!)).toBe(m3('fire', 'drain.level-warning', 840));
    expect(warning!.details.rapidRise).toMatchObject({ windowMs: 10 * MIN });
    expect((warning!.details.rapidRise as { riseMm: number }).riseMm).toBeGreaterThan(150);
  });
});

describe('drain dry-weather rise (grease hint)', () => {
  const fiveMin = 300;
  const cases: { name: string; steps: Step[]; expected: string[] }[] = [
    {
      // 2 mm/min: 360 mm (22.5% of 1600) over 3 h, never near 150 mm in 10 min.
      name: 'a slow sustained rise of more than 20% of depth over 3 h fires, and clears when the level is back down',
      steps: [...series(0, 3 * 3600, fiveMin, (s) => 200 + (2 * s) / 60, 'mm'), ...series(3 * 3600 + fiveMin, 4 * 3600, fiveMin, () => 300, 'mm')],
      expected: [m3('fire', 'drain.dry-weather-rise', 3 * 3600), m3('clear', 'drain.dry-weather-rise', 3 * 3600 + fiveMin)],
    },
    { name: 'a rise of 15% of depth over 3 h is normal kitchen flow', steps: series(0, 4 * 3600, fiveMin, (s) => 200 + (240 * s) / (3 * 3600), 'mm'), expected: [] },
    {
      name: 'the same rise with a rainstorm burst inside the window is rain, not grease',
      steps: [
        ...series(0, 3600, fiveMin, (s) => 200 + (2 * s) / 60, 'mm'),
        ...series(3600 + 60, 3600 + 300, 60, (s) => 320 + ((s - 3600) / 60) * 50, 'mm'),
        ...series(3600 + 600, 3 * 3600, fiveMin, (s) => 200 + (2 * s) / 60, 'mm'),
      ],
      // The burst is rain (a rapid rise, no ticket of its own); the grease hint stays quiet.
      expected: [],
    },
  ];
  it.each(cases)('$name', ({ steps, expected }) => {
    expect(new LevelHarness([M3]).run(steps).map(brief)).toEqual(expected);
  });

  it('goes to the shops’ regulator (shop-grease, P3) and says it may be restaurant grease', () => {
    const fire = new LevelHarness([M3]).run(series(0, 3 * 3600, fiveMin, (s) => 200 + (2 * s) / 60, 'mm', false)).find((s) => s.alertType === 'drain.dry-weather-rise')!;
    expect([fire.category, fire.priority, fire.autoResolve]).toEqual(['shop-grease', 'P3', false]);
    expect(fire.summary.zh).toContain('油污');
    expect(fire.summary.en).toContain('restaurant grease');
    expect(fire.details).toMatchObject({ fromLevelMm: 200, riseMm: 360 });
  });
});

describe('drain sensor faults', () => {
  const heartbeat = (atS: number): Step => ({ at: T0 + atS * SEC, device: M3.deviceId, type: 'agent.heartbeat', data: { uptimeS: atS, pending: 0, reconnects: 0 } });
  const fault = (action: string, atS: number) => m3(action, 'drain.sensor-fault', atS);
  const cases: { name: string; steps: Step[]; expected: string[]; reasons?: string[] }[] = [
    { name: 'one impossible reading is skipped, not alarmed', steps: [mm(0, 400), mm(60, -80), mm(120, 400)], expected: [] },
    {
      name: 'two impossible readings in a row (below -50 mm) fire; a sane one clears',
      steps: [mm(0, 400), mm(60, -80), mm(120, -90), mm(180, 400)],
      expected: [fault('fire', 120), fault('clear', 180)],
      reasons: ['out-of-range'],
    },
    { name: 'above depth + 100 mm is out of range', steps: [mm(0, DEPTH + 150), mm(60, DEPTH + 150)], expected: [fault('fire', 60)], reasons: ['out-of-range'] },
    { name: 'a negative distance is out of range', steps: [mm(0, 400, { distanceMm: -5 }), mm(60, 400, { distanceMm: -5 })], expected: [fault('fire', 60)], reasons: ['out-of-range'] },
    { name: 'out-of-range readings do not feed the level rules', steps: series(0, 600, 30, () => DEPTH + 500, 'mm', false), expected: [fault('fire', 30)], reasons: ['out-of-range'] },
    {
      name: '10 identical mid-range readings are a stuck sensor; a changed reading clears it',
      steps: [...series(0, 540, 60, () => 640, 'mm', false), mm(600, 655)],
      expected: [fault('fire', 540), fault('clear', 600)],
      reasons: ['stuck'],
    },
    { name: '9 identical readings are not stuck yet', steps: [...series(0, 480, 60, () => 640, 'mm', false), mm(540, 641)], expected: [] },
    { name: 'an empty manhole repeating 0 mm is not stuck (the reading is clamped)', steps: series(0, 1200, 60, () => 0, 'mm', false), expected: [] },
    {
      name: 'battery below 15% fires; it clears only at 20% (a new battery), not on a jitter back to 16%',
      steps: [mm(0, 400, { batteryPct: 15.2 }), mm(60, 400, { batteryPct: 14.8 }), mm(120, 401, { batteryPct: 16 }), mm(180, 402, { batteryPct: 98 })],
      expected: [fault('fire', 60), fault('clear', 180)],
      reasons: ['low-battery'],
    },
    {
      name: 'no level reading for 15 min while the agent still heartbeats is a stale sensor; the next reading clears it',
      steps: [
        { tick: T0 },
        mm(0, 400),
        ...[60, 120, 180, 240, 300, 360, 420, 480, 540, 600, 660, 720, 780, 840, 900, 960].flatMap((s) => [heartbeat(s), { tick: T0 + s * SEC }]),
        { tick: T0 + 899 * SEC },
        mm(1000, 401),
      ],
      expected: [fault('fire', 900), fault('clear', 1000)],
      reasons: ['stale'],
    },
    {
      name: 'a second reason while the fault is open is a new fire (a new condition); clear waits for the last one',
      steps: [mm(0, 400, { batteryPct: 12 }), mm(60, -80, { batteryPct: 12 }), mm(120, -80, { batteryPct: 12 }), mm(180, 400, { batteryPct: 12 }), mm(240, 401, { batteryPct: 30 })],
      expected: [fault('fire', 0), fault('fire', 120), fault('clear', 240)],
      reasons: ['low-battery', 'out-of-range'],
    },
  ];
  it.each(cases)('$name', ({ steps, expected, reasons }) => {
    const signals = new LevelHarness([M3]).run(steps.sort((a, b) => ('tick' in a ? a.tick : a.at) - ('tick' in b ? b.tick : b.at)));
    expect(signals.map(brief)).toEqual(expected);
    if (reasons) {
      const seen = [...new Set(signals.filter((s) => s.action === 'fire').flatMap((s) => s.details.reasons as string[]))];
      expect(seen.sort()).toEqual([...reasons].sort());
    }
    for (const s of signals) expect([s.category, s.priority]).toEqual(['device-fault', 'P3']);
  });

  it('a stale sensor on a device that is offline altogether is left to device.offline', () => {
    const h = new LevelHarness([M3]);
    const signals = h.run([{ tick: T0 }, mm(0, 400), { tick: T0 + 10 * MIN }, { tick: T0 + 16 * MIN }, { tick: T0 + HOUR }]);
    expect(signals.map((s) => s.alertType)).toEqual(['device.offline']);
  });
});
