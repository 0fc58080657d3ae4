/**
 * Drain level sensors: ONE level ticket per manhole (warning, critical, overflowing,
 * with hysteresis, a minimum duration and a clear only on enough calm readings), the
 * rapid rise as a fact on it, the dry-weather rise that hints at restaurant grease,
 * and sensor faults (including a fault the sensor's driver reported, once
 * device-fault-rules.ts has seen it outlast its grace).
 *
 * Durations and rates use device time (the envelope `ts`): a sensor's queued
 * readings flushed after a reconnect keep their real spacing. Staleness uses
 * service time, because it is about readings that never arrived.
 */
import type { AlertSignal, Bilingual, DeviceContext } from '../model.ts';
import { deviceTimeOf, numberField, type EnvelopeObservation } from './observations.ts';
import type { DeviceRuleContext } from './rule-context.ts';
import type { RuleSettings } from './settings.ts';
import type { RuleStateStore } from './state-store.ts';
import { deviceSignal, fingerprintFor, pct, placeLabel, tickEventId } from './signals.ts';

/** One reading kept for rates: [device time ms, level mm]. A pair keeps the persisted state small. */
export type Sample = [number, number];

export type LevelStage = 'warning' | 'critical' | 'overflow';

/** The level condition (device times): see levelCondition. */
interface LevelState {
  /** The worst stage reached while the condition holds; absent: no level condition. */
  stage?: LevelStage;
  /** Since when the level has been at or above warning / critical (through the hysteresis band). */
  warningSince?: number;
  criticalSince?: number;
  /** While a stage holds: the run of calm readings (below warning minus hysteresis, no overflow, no gap). */
  calm?: { since: number; readings: number };
  /** The last level reading, to see gaps in the evidence. */
  lastReadingAt?: number;
}

export type SensorFaultReason = 'out-of-range' | 'stuck' | 'stale' | 'low-battery' | 'device-fault';

export interface DrainState {
  /** Service time of the last drain.level, for staleness. */
  lastLevelAt?: number;
  level?: LevelState;
  /** Readings within the rapid-rise window. */
  recent: Sample[];
  /** One reading per DRY_SAMPLE_MS reaching back just past the dry-rise window. */
  history: Sample[];
  rapidActive: boolean;
  /** The largest rise of the current rapid rise, mm. */
  rapidRiseMm?: number;
  /** Device time of the last reading that rose at rapid-rise rate: rain, so no dry-weather hint. */
  lastRapidAt?: number;
  /** Set while the dry-weather hint is active: the level it rose from. */
  dryFromMm?: number;
  outOfRangeRun: number;
  /** The current run of identical mid-range readings. */
  stuck?: { distanceMm: number; levelMm: number; count: number };
  lowBattery: boolean;
  faults: SensorFaultReason[];
}

/** Spacing of the dry-rise history: 36 points over 3 h instead of hundreds of fast samples. */
const DRY_SAMPLE_MS = 5 * 60_000;

const stateKey = (deviceId: string) => `drain/${deviceId}`;

function load(ctx: DeviceRuleContext): DrainState {
  return (
    ctx.state.get<DrainState>(stateKey(ctx.device.deviceId)) ?? {
      level: {},
      recent: [],
      history: [],
      rapidActive: false,
      outOfRangeRun: 0,
      lowBattery: false,
      faults: [],
    }
  );
}

/**
 * The readings the drain rules remember for a device, oldest first, as
 * [device time ms, level mm]: one per 5 minutes over the dry-rise window (about
 * 3 h) and every reading of the rapid-rise window. The API charts and plans
 * drain levels from this while no time-series store answers for them.
 */
export function rememberedLevels(state: Pick<RuleStateStore, 'get'>, deviceId: string): Sample[] {
  const st = state.get<DrainState>(stateKey(deviceId));
  if (!st) return [];
  const byTime = new Map<number, number>();
  for (const [at, mm] of [...st.history, ...st.recent]) byTime.set(at, mm);
  return [...byTime].sort(([a], [b]) => a - b);
}

export function observeDrain(ctx: DeviceRuleContext, o: EnvelopeObservation): AlertSignal[] {
  if (o.envelope.type !== 'drain.level') return [];
  const s = ctx.settings.drain;
  const st = load(ctx);
  const data = o.envelope.data;
  const t = deviceTimeOf(o);
  const levelMm = numberField(data, 'levelMm');
  const distanceMm = numberField(data, 'distanceMm');
  const batteryPct = numberField(data, 'batteryPct');
  const overflow = data.overflow === true;
  // The configured depth is the surveyed one; the reading's own is a fallback for unsurveyed manholes.
  const depthMm = ctx.device.depthMm ?? numberField(data, 'depthMm');
  st.lastLevelAt = o.at;

  const outOfRange =
    levelMm === undefined ||
    levelMm < s.minLevelMm ||
    (depthMm !== undefined && levelMm > depthMm + s.maxAboveDepthMm) ||
    // No distance is water at the sensor face: real only when the reading also says full. The sensor
    // clamps at 0, so a level within jitter of the rim legitimately reads 0 without `overflow`.
    (distanceMm !== undefined && (distanceMm < 0 || (distanceMm === 0 && !overflow && (depthMm === undefined || levelMm < depthMm))));
  st.outOfRangeRun = outOfRange ? st.outOfRangeRun + 1 : 0;
  if (!outOfRange) trackStuck(st, levelMm, distanceMm, depthMm, overflow);
  if (batteryPct !== undefined) {
    if (batteryPct < s.lowBatteryPct) st.lowBattery = true;
    else if (batteryPct >= s.lowBatteryPct + s.batteryHysteresisPct) st.lowBattery = false;
  }

  const faults: SensorFaultReason[] = [];
  if (st.outOfRangeRun >= s.outOfRangeReadings) faults.push('out-of-range');
  if (st.stuck && st.stuck.count >= s.stuckReadings) faults.push('stuck');
  if (st.lowBattery) faults.push('low-battery');
  // The driver's fault ends with its device.recovered, not with a reading (one may flow with a corrected clock).
  if (st.faults.includes('device-fault')) faults.push('device-fault');
  const reading = { levelMm, distanceMm, depthMm, batteryPct, overflow, deviceTime: o.envelope.ts };
  const out = updateFaults(ctx, st, faults, o.at, o.eventId, reading);

  // An impossible reading says nothing about the water: level rules skip it.
  if (!outOfRange && levelMm !== undefined && depthMm !== undefined && depthMm > 0) {
    const sharePct = (levelMm / depthMm) * 100;
    const fact = { ...reading, levelPct: Math.round(sharePct * 10) / 10 };
    out.push(...rapidRiseAlert(ctx, st, trackRapidRise(s, st, levelMm, sharePct, t), o, fact));
    out.push(...levelCondition(ctx, st, sharePct, overflow, t, o, fact));
    out.push(...dryWeatherRise(ctx, st, levelMm, depthMm, t, o, fact));
  }
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/** Stale sensor: the device still talks (else device.offline covers it) but sends no level. */
export function tickDrain(ctx: DeviceRuleContext, now: number, silentSince: number, deviceDown: boolean): AlertSignal[] {
  const st = load(ctx);
  const lastLevelAt = st.lastLevelAt ?? silentSince;
  const stale = !deviceDown && now - lastLevelAt >= ctx.settings.drain.staleMs;
  if (stale === st.faults.includes('stale')) return [];
  const faults = stale ? [...st.faults, 'stale' as const] : st.faults.filter((f) => f !== 'stale');
  const id = tickEventId(fingerprintFor(ctx.device, 'drain.sensor-fault'), now);
  const out = updateFaults(ctx, st, faults, now, id, { lastLevelAt });
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/**
 * Stuck: the same distance and level `stuckReadings` times in a row, away from
 * the empty and full bounds. Mid-range, ultrasound jitter of a few mm makes
 * exact repeats of real water unlikely; at the bounds the reading is clamped
 * and repeats are normal.
 */
function trackStuck(st: DrainState, levelMm: number | undefined, distanceMm: number | undefined, depthMm: number | undefined, overflow: boolean): void {
  const atBound = overflow || levelMm === undefined || levelMm <= 0 || distanceMm === undefined || distanceMm <= 0 || (depthMm !== undefined && distanceMm >= depthMm);
  if (atBound || levelMm === undefined || distanceMm === undefined) {
    delete st.stuck;
  } else if (st.stuck && st.stuck.distanceMm === distanceMm && st.stuck.levelMm === levelMm) {
    st.stuck.count += 1;
  } else {
    st.stuck = { distanceMm, levelMm, count: 1 };
  }
}

const FAULT_TEXT: Record<SensorFaultReason, Bilingual> = {
  'out-of-range': { zh: '读数超出量程', en: 'reading out of range' },
  stuck: { zh: '读数卡死不变', en: 'reading stuck' },
  stale: { zh: '长时间无水位数据', en: 'no level readings' },
  'low-battery': { zh: '电池电量低', en: 'battery low' },
  'device-fault': { zh: '设备报告故障', en: 'device fault reported' },
};

/**
 * A fault the sensor's driver reported (device.fault) that outlasted its grace
 * is one more reason of the sensor-fault alert; device.recovered takes it away.
 * Called by device-fault-rules.ts, so that one alert speaks for the sensor.
 */
export function drainDeviceFault(ctx: DeviceRuleContext, active: boolean, at: number, eventId: string, facts: Record<string, unknown>): AlertSignal[] {
  const st = load(ctx);
  if (st.faults.includes('device-fault') === active) return [];
  const faults = active ? [...st.faults, 'device-fault' as const] : st.faults.filter((f) => f !== 'device-fault');
  const out = updateFaults(ctx, st, faults, at, eventId, facts);
  ctx.state.set(stateKey(ctx.device.deviceId), st);
  return out;
}

/** One sensor-fault alert per device: fires when a reason appears, clears when none is left. */
function updateFaults(
  ctx: DeviceRuleContext,
  st: DrainState,
  faults: SensorFaultReason[],
  at: number,
  eventId: string,
  facts: Record<string, unknown>,
): AlertSignal[] {
  const added = faults.filter((f) => !st.faults.includes(f));
  const before = st.faults;
  st.faults = faults;
  const name = ctx.device.name;
  if (added.length > 0) {
    const zh = faults.map((f) => FAULT_TEXT[f].zh).join('、');
    const en = faults.map((f) => FAULT_TEXT[f].en).join(', ');
    return [
      deviceSignal('fire', 'drain.sensor-fault', ctx.device, at, eventId, { zh: `${name.zh}故障：${zh}`, en: `${name.en} fault: ${en}` }, {
        ...facts,
        reasons: faults,
        newReasons: added,
      }),
    ];
  }
  if (faults.length === 0 && before.length > 0) {
    return [
      deviceSignal('clear', 'drain.sensor-fault', ctx.device, at, eventId, { zh: `${name.zh}恢复正常`, en: `${name.en} working again` }, {
        ...facts,
        clearedReasons: before,
      }),
    ];
  }
  return [];
}

/** How bad a manhole got, in order: the one level ticket's title and priority follow the worst. */
const STAGES = ['warning', 'critical', 'overflow'] as const;
const rank = (stage: LevelStage | undefined): number => (stage === undefined ? -1 : STAGES.indexOf(stage));
const STAGE_ALERT: Record<LevelStage, 'drain.level-warning' | 'drain.level-critical'> = {
  warning: 'drain.level-warning',
  critical: 'drain.level-critical',
  overflow: 'drain.level-critical',
};

/**
 * The one level ticket of a manhole: whatever its stage, one fingerprint, so warning,
 * critical and overflowing are one piece of work whose title and priority follow the worst
 * stage reached (the ticket domain retitles it on a worse fire).
 */
export const drainLevelFingerprint = (device: DeviceContext): string => `${device.compoundId}/${device.deviceId}/drain.level`;

/**
 * The manhole's level condition, one reading at a time (device time).
 *
 * Raising: a stage fires once the level has stayed at or above its threshold for
 * `minDurationMs` (dips into the hysteresis band below it do not restart the wait) and
 * the current reading is at or above it; an overflow reading is the overflowing stage at
 * once. Only a stage worse than the one already reached fires, so a level hovering at a
 * threshold or falling from critical to warning gives no new signal.
 *
 * Clearing needs evidence: every reading for `clearHoldMs` below the warning threshold
 * minus the hysteresis, at least `clearMinReadings` of them, none saying `overflow`, and no
 * gap between two readings longer than `gapMs` (a power cut or a stale sensor is missing
 * evidence, not a recovery: it restarts the count).
 */
function levelCondition(ctx: DeviceRuleContext, st: DrainState, sharePct: number, overflow: boolean, t: number, o: EnvelopeObservation, facts: Record<string, unknown>): AlertSignal[] {
  const s = ctx.settings.drain;
  const lv = (st.level ??= {});
  const gap = lv.lastReadingAt !== undefined && t - lv.lastReadingAt > s.gapMs;
  if (gap) {
    delete lv.calm;
    delete lv.warningSince;
    delete lv.criticalSince;
  }
  lv.lastReadingAt = Math.max(lv.lastReadingAt ?? t, t);
  const warnRelease = s.warningPct - s.hysteresisPct;
  const critRelease = s.criticalPct - s.hysteresisPct;
  if (sharePct >= s.warningPct || overflow) lv.warningSince ??= t;
  else if (sharePct < warnRelease) delete lv.warningSince;
  if (sharePct >= s.criticalPct || overflow) lv.criticalSince ??= t;
  else if (sharePct < critRelease) delete lv.criticalSince;

  const held = (since: number | undefined, threshold: number) => since !== undefined && sharePct >= threshold && t - since >= s.minDurationMs;
  const evident: LevelStage | undefined = overflow ? 'overflow' : held(lv.criticalSince, s.criticalPct) ? 'critical' : held(lv.warningSince, s.warningPct) ? 'warning' : undefined;
  const place = placeLabel(ctx.device);
  const details = { ...facts, thresholdPct: s.warningPct, criticalPct: s.criticalPct, clearBelowPct: warnRelease, minDurationMs: s.minDurationMs, clearHoldMs: s.clearHoldMs, clearMinReadings: s.clearMinReadings };

  if (evident !== undefined && rank(evident) > rank(lv.stage)) {
    const previous = lv.stage;
    lv.stage = evident;
    delete lv.calm;
    const since = evident === 'overflow' ? t : evident === 'critical' ? lv.criticalSince! : lv.warningSince!;
    const summary =
      evident === 'overflow'
        ? { zh: `${place.zh}满溢（危险）`, en: `${place.en} overflowing (critical)` }
        : evident === 'critical'
          ? { zh: `${place.zh}水位 ${pct(sharePct)}%（危险）`, en: `${place.en} level ${pct(sharePct)}% (critical)` }
          : { zh: `${place.zh}水位 ${pct(sharePct)}%（预警）`, en: `${place.en} level ${pct(sharePct)}% (warning)` };
    const rapid = st.rapidActive ? { rapidRise: { riseMm: st.rapidRiseMm, windowMs: s.rapidRiseWindowMs } } : {};
    const fire = deviceSignal('fire', STAGE_ALERT[evident], ctx.device, o.at, o.eventId, summary, {
      ...details,
      ...rapid,
      stage: evident,
      ...(previous ? { previousStage: previous } : {}),
      upSinceDeviceTime: new Date(since).toISOString(),
      overflowReading: overflow,
    });
    return [{ ...fire, fingerprint: drainLevelFingerprint(ctx.device), retitle: true }];
  }
  if (lv.stage === undefined) return [];
  if (overflow || sharePct >= warnRelease) {
    delete lv.calm;
    return [];
  }
  lv.calm ??= { since: t, readings: 0 };
  lv.calm.readings += 1;
  if (t - lv.calm.since < s.clearHoldMs || lv.calm.readings < s.clearMinReadings) return [];
  const worst = lv.stage;
  const { readings } = lv.calm;
  delete lv.stage;
  delete lv.calm;
  const summary = { zh: `${place.zh}水位回落至 ${pct(sharePct)}%`, en: `${place.en} level down to ${pct(sharePct)}%` };
  const clear = deviceSignal('clear', STAGE_ALERT[worst], ctx.device, o.at, o.eventId, summary, { ...details, worstStage: worst, calmReadings: readings });
  return [{ ...clear, fingerprint: drainLevelFingerprint(ctx.device) }];
}

/**
 * Rise within the window: now against the lowest reading in it. A fact, not a ticket: in a
 * storm every manhole rises fast and most drain away again, so a rapid rise is told to the
 * desk on the level ticket it leads to (`details.rapidRise`) and, from `rapidRiseMinPct` of
 * depth up, marks the rise as rain for the dry-weather hint. It ends at half the rate.
 */
function trackRapidRise(s: RuleSettings['drain'], st: DrainState, levelMm: number, sharePct: number, t: number): 'started' | 'ended' | undefined {
  st.recent = st.recent.filter(([at]) => at > t - s.rapidRiseWindowMs && at <= t);
  st.recent.push([t, levelMm]);
  const riseMm = levelMm - Math.min(...st.recent.map(([, mm]) => mm));
  const rapid = riseMm > s.rapidRiseMm;
  if (rapid) st.lastRapidAt = t;
  if (!st.rapidActive && rapid && sharePct >= s.rapidRiseMinPct) {
    st.rapidActive = true;
    st.rapidRiseMm = riseMm;
    return 'started';
  } else if (st.rapidActive && riseMm <= s.rapidRiseMm / 2) {
    st.rapidActive = false;
    delete st.rapidRiseMm;
    return 'ended';
  } else if (st.rapidActive) {
    st.rapidRiseMm = Math.max(st.rapidRiseMm ?? 0, riseMm);
  }
  return undefined;
}

/**
 * The rapid rise as an alert (issue 14): a signal for the desk's live strip and the storm
 * incident's child lines, never a ticket by itself (its rule's `when` is `never`).
 */
function rapidRiseAlert(ctx: DeviceRuleContext, st: DrainState, change: 'started' | 'ended' | undefined, o: EnvelopeObservation, fact: Record<string, unknown>): AlertSignal[] {
  if (change === undefined) return [];
  const place = placeLabel(ctx.device);
  const riseMm = st.rapidRiseMm;
  const summary =
    change === 'started'
      ? { zh: `${place.zh}水位快速上涨（${ctx.settings.drain.rapidRiseWindowMs / 60_000}分钟内 ${riseMm ?? ''} mm）`, en: `${place.en} rising fast (${riseMm ?? ''} mm within ${ctx.settings.drain.rapidRiseWindowMs / 60_000} min)` }
      : { zh: `${place.zh}水位不再快速上涨`, en: `${place.en} no longer rising fast` };
  return [deviceSignal(change === 'started' ? 'fire' : 'clear', 'drain.rapid-rise', ctx.device, o.at, o.eventId, summary, { ...fact, ...(riseMm !== undefined ? { riseMm } : {}) })];
}

/**
 * The grease hint. The sensor cannot know about rain, so "dry weather" means:
 * the level rose by more than `dryRisePct` of depth over `dryRiseWindowMs`
 * and never at rapid-rise rate meanwhile (rain fills a manhole fast; grease
 * narrows the outlet slowly). It clears once the level is back within half
 * that rise of where it started (the pipe was cleaned, or the kitchens stopped).
 */
function dryWeatherRise(
  ctx: DeviceRuleContext,
  st: DrainState,
  levelMm: number,
  depthMm: number,
  t: number,
  o: EnvelopeObservation,
  facts: Record<string, unknown>,
): AlertSignal[] {
  const s = ctx.settings.drain;
  const last = st.history[st.history.length - 1];
  if (!last || t - last[0] >= DRY_SAMPLE_MS) st.history.push([t, levelMm]);
  // Keep the newest point at or before the window start: it is the baseline.
  while (st.history.length >= 2 && st.history[1]![0] <= t - s.dryRiseWindowMs) st.history.shift();
  const place = placeLabel(ctx.device);
  const hours = Math.round((s.dryRiseWindowMs / 3600_000) * 10) / 10;
  if (st.dryFromMm === undefined) {
    const [baseAt, baseMm] = st.history[0]!;
    const covered = t - baseAt >= s.dryRiseWindowMs;
    const rainFree = st.lastRapidAt === undefined || st.lastRapidAt < baseAt;
    const riseMm = levelMm - baseMm;
    if (covered && rainFree && riseMm > (s.dryRisePct / 100) * depthMm) {
      st.dryFromMm = baseMm;
      const risePct = pct((riseMm / depthMm) * 100);
      const summary = {
        zh: `${place.zh}无雨水位持续上涨：${hours}小时内上涨 ${risePct}%，疑似沿街餐饮油污堵塞`,
        en: `${place.en} rising in dry weather: +${risePct}% of depth in ${hours} h, possible restaurant grease blockage`,
      };
      return [
        deviceSignal('fire', 'drain.dry-weather-rise', ctx.device, o.at, o.eventId, summary, {
          ...facts,
          fromLevelMm: baseMm,
          fromDeviceTime: new Date(baseAt).toISOString(),
          riseMm,
          windowMs: s.dryRiseWindowMs,
          thresholdPct: s.dryRisePct,
        }),
      ];
    }
    return [];
  }
  if (levelMm <= st.dryFromMm + ((s.dryRisePct / 2) / 100) * depthMm) {
    const fromLevelMm = st.dryFromMm;
    delete st.dryFromMm;
    const summary = { zh: `${place.zh}水位已回落，油污堵塞提示解除`, en: `${place.en} level back down, grease blockage hint cleared` };
    return [deviceSignal('clear', 'drain.dry-weather-rise', ctx.device, o.at, o.eventId, summary, { ...facts, fromLevelMm })];
  }
  return [];
}

