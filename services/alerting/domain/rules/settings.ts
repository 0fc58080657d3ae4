/**
 * Rule thresholds with their defaults, and how per-site, per-compound and
 * per-device overrides combine: device beats compound beats site beats defaults.
 */
import { OcError } from '../../../shared/errors.ts';
import type { AlertType, DeviceContext } from '../model.ts';
import { DEFAULT_GROUPING, DEFAULT_TICKETING, mergeTicketing, ticketingProblems, type GroupingSettings, type RuleTicketing } from './ticketing-settings.ts';

/** A daily local-time span, 'HH:MM'. `from` > `to` wraps midnight; `from` == `to` is no span at all. */
export interface DailySpan {
  from: string;
  to: string;
}

export interface RuleSettings {
  drain: {
    /** Level as a share of manhole depth, percent. */
    warningPct: number;
    criticalPct: number;
    /** A fired level alert clears only below its threshold minus this many points. */
    hysteresisPct: number;
    /** Device time the level must stay up before a level alert fires (an overflow reading skips it). */
    minDurationMs: number;
    /** A level ticket clears only after the level stayed below warning minus hysteresis this long (device time)... */
    clearHoldMs: number;
    /** ...in at least this many readings... */
    clearMinReadings: number;
    /** ...with no two readings further apart than this: a longer gap (power cut, stale sensor) restarts the count. */
    gapMs: number;
    /** Rise of more than this within `rapidRiseWindowMs` is a rapid rise (rain, a surcharged sewer). */
    rapidRiseMm: number;
    rapidRiseWindowMs: number;
    /**
     * A rapid rise is a ticket only from this level up (percent of depth). In a storm every
     * manhole rises fast; the ones still low drain away, the ones already this full may not.
     */
    rapidRiseMinPct: number;
    /** Rise of more than this share of depth over `dryRiseWindowMs`, never at rapid-rise rate: grease. */
    dryRisePct: number;
    dryRiseWindowMs: number;
    /** Readings below this level are impossible (sensor fault). */
    minLevelMm: number;
    /** Readings above depth plus this are impossible (sensor fault). */
    maxAboveDepthMm: number;
    /** Consecutive impossible readings before the fault fires; one glitch is only skipped. */
    outOfRangeReadings: number;
    /** Identical consecutive mid-range readings that mean a stuck sensor (real water and ultrasound jitter). */
    stuckReadings: number;
    /** No drain.level for this long (service time) while the device still talks: stale sensor. */
    staleMs: number;
    lowBatteryPct: number;
    /** Low battery clears at `lowBatteryPct` plus this (a new battery), not on a jitter. */
    batteryHysteresisPct: number;
  };
  door: {
    /**
     * Open (door.opened, no door.closed) this long, service time, is held open, whether
     * or not the controller alarmed; a controller alarm that comes sooner fires at once.
     */
    heldOpenMs: number;
    /** This many access.denied within `deniedWindowMs` (device time) at one door... */
    deniedCount: number;
    deniedWindowMs: number;
    /** ...and the alert clears after this long (service time) without another denial. */
    deniedQuietMs: number;
  };
  camera: {
    /** Minutes east of UTC for the site's local time (Jinan: +480). */
    utcOffsetMin: number;
    quietHours: DailySpan;
    /** Per detection zone: its own quiet hours, or 'off' for a zone where night motion is normal. */
    zoneQuietHours: Record<string, DailySpan | 'off'>;
    /** Motion below this analytics confidence is ignored (cats, headlights at night). */
    motionMinConfidence: number;
    /** At most one quiet-hours-motion fire per device per this long. */
    motionDebounceMs: number;
    /** Quiet-hours motion clears after this long without motion. */
    motionClearMs: number;
    /**
     * Motion seen `motionLingerBursts` times in one zone in one episode (no clear between), the last at least
     * `motionLingerMs` after the first, is someone lingering, not a resident walking home: the rule
     * fires again, marked `lingering`, and that fire is what opens the night's digest.
     * `motionLingerBursts` 1: every fire counts.
     */
    motionLingerMs: number;
    motionLingerBursts: number;
  };
  offline: {
    /** No message at all for this long (service time) means offline; 3.5 heartbeats. */
    heartbeatTimeoutMs: number;
    /** A device must stay offline this long before device.offline fires, so outages can be grouped. */
    graceMs: number;
  };
  deviceFault: {
    /**
     * A fault a driver reports (device.fault) must last this long (service time) before it
     * raises anything: a device that recovers within it (a restart, a dropped link) pages nobody.
     */
    graceMs: number;
  };
  massOutage: {
    /** A mass outage needs at least max(minDevices, minShare x compound devices) offline... */
    minDevices: number;
    minShare: number;
    /** ...that went offline within this span of each other. */
    windowMs: number;
    /** It clears when this share of its devices is back. */
    clearShare: number;
  };
  /** Per rule (alert type): when its alert becomes a ticket, and how long a dispatched person has to accept. */
  tickets: Record<AlertType, RuleTicketing>;
  /** Storm incidents, outage inhibition, the night motion digest, P1 auto-dispatch. */
  grouping: GroupingSettings;
}

const MINUTE = 60_000;

export const DEFAULT_RULE_SETTINGS: RuleSettings = deepFreeze({
  drain: {
    warningPct: 60,
    criticalPct: 85,
    hysteresisPct: 5,
    minDurationMs: 2 * MINUTE,
    clearHoldMs: 10 * MINUTE,
    clearMinReadings: 5,
    // The sensor reports every 60 s when low, every 15 s when high: three missed readings are a gap.
    gapMs: 3 * MINUTE,
    rapidRiseMm: 150,
    rapidRiseWindowMs: 10 * MINUTE,
    rapidRiseMinPct: 30,
    dryRisePct: 20,
    dryRiseWindowMs: 180 * MINUTE,
    minLevelMm: -50,
    maxAboveDepthMm: 100,
    outOfRangeReadings: 2,
    stuckReadings: 10,
    staleMs: 15 * MINUTE,
    lowBatteryPct: 15,
    batteryHysteresisPct: 5,
  },
  door: {
    // The platform's controller config says 60 s (services/device-config.ts); this is the desk's own limit.
    heldOpenMs: 60_000,
    deniedCount: 5,
    deniedWindowMs: 2 * MINUTE,
    deniedQuietMs: 10 * MINUTE,
  },
  camera: {
    utcOffsetMin: 480,
    quietHours: { from: '00:00', to: '05:00' },
    zoneQuietHours: {},
    motionMinConfidence: 0.5,
    motionDebounceMs: 10 * MINUTE,
    motionClearMs: 10 * MINUTE,
    motionLingerMs: 5 * MINUTE,
    motionLingerBursts: 4,
  },
  offline: {
    heartbeatTimeoutMs: 3.5 * MINUTE,
    graceMs: MINUTE,
  },
  deviceFault: {
    graceMs: 2 * MINUTE,
  },
  massOutage: {
    minDevices: 3,
    minShare: 0.3,
    windowMs: 2 * MINUTE,
    clearShare: 0.9,
  },
  tickets: DEFAULT_TICKETING,
  grouping: DEFAULT_GROUPING,
});

/** Objects merge key by key; arrays and scalars replace. */
export type DeepPartial<T> = T extends readonly unknown[] ? T : T extends object ? { [K in keyof T]?: DeepPartial<T[K]> } : T;

export type RuleSettingsOverrides = {
  site?: DeepPartial<RuleSettings>;
  compounds?: Record<string, DeepPartial<RuleSettings>>;
  /** By building id or place id (m3, b1-u1, parking): every device there. */
  places?: Record<string, DeepPartial<RuleSettings>>;
  devices?: Record<string, DeepPartial<RuleSettings>>;
};

/** The settings for one device: defaults, then site, its compound, its building, its place, then the device itself. */
export function resolveRuleSettings(overrides: RuleSettingsOverrides, device: DeviceContext): RuleSettings {
  const building = device.buildingId === undefined ? undefined : overrides.places?.[device.buildingId];
  return resolve([overrides.site, overrides.compounds?.[device.compoundId], building, overrides.places?.[device.placeId], overrides.devices?.[device.deviceId]], `device ${device.deviceId}`);
}

/** Settings for what belongs to a compound as a whole (mass outage): defaults, site, compound. */
export function resolveCompoundSettings(overrides: RuleSettingsOverrides, compoundId: string): RuleSettings {
  return resolve([overrides.site, overrides.compounds?.[compoundId]], `compound ${compoundId}`);
}

function resolve(layers: readonly (DeepPartial<RuleSettings> | undefined)[], where: string): RuleSettings {
  let merged: unknown = DEFAULT_RULE_SETTINGS;
  for (const layer of layers) if (layer !== undefined) merged = merge(merged, layer);
  // A rule's `when` replaces the lower layer's whole; the generic merge would mix two kinds.
  const settings = { ...(merged as RuleSettings), tickets: mergeTicketing(layers.map((l) => l?.tickets as Parameters<typeof mergeTicketing>[0][number])) };
  // A zone that overrides only one end of its quiet hours takes the other from the camera's.
  const zones: Record<string, DailySpan | 'off'> = {};
  for (const [zone, span] of Object.entries(settings.camera.zoneQuietHours)) {
    zones[zone] = span === 'off' ? 'off' : { ...settings.camera.quietHours, ...span };
  }
  const resolved: RuleSettings = { ...settings, camera: { ...settings.camera, zoneQuietHours: zones } };
  validate(resolved, where);
  return resolved;
}

const isPlainObject = (x: unknown): x is Record<string, unknown> =>
  typeof x === 'object' && x !== null && !Array.isArray(x);

function merge(base: unknown, over: unknown): unknown {
  if (over === undefined) return base;
  if (!isPlainObject(base) || !isPlainObject(over)) return over;
  const out: Record<string, unknown> = { ...base };
  for (const [k, v] of Object.entries(over)) out[k] = merge(base[k], v);
  return out;
}

const SPAN_PATTERN = /^([01]\d|2[0-3]):([0-5]\d)$/;

/** Minutes after local midnight of an 'HH:MM'. */
export function minuteOfDay(hhmm: string): number {
  const m = SPAN_PATTERN.exec(hhmm);
  if (!m) throw new RangeError(`${hhmm} is not HH:MM`);
  return Number(m[1]) * 60 + Number(m[2]);
}

/** Refuses settings a rule could not act on sensibly; the message names the key. */
function validate(s: RuleSettings, where: string): void {
  const problems: string[] = [];
  const check = (ok: boolean, key: string, want: string) => {
    if (!ok) problems.push(`${key} must be ${want}`);
  };
  const finite = (x: unknown) => typeof x === 'number' && Number.isFinite(x);
  const positive = (x: unknown) => finite(x) && (x as number) > 0;
  const pct = (x: unknown) => finite(x) && (x as number) >= 0 && (x as number) <= 100;
  const share = (x: unknown) => finite(x) && (x as number) > 0 && (x as number) <= 1;
  const span = (x: unknown) => isPlainObject(x) && typeof x.from === 'string' && SPAN_PATTERN.test(x.from) && typeof x.to === 'string' && SPAN_PATTERN.test(x.to);

  const d = s.drain;
  check(pct(d.warningPct), 'drain.warningPct', 'a percentage');
  check(pct(d.criticalPct) && d.criticalPct > d.warningPct, 'drain.criticalPct', 'a percentage above warningPct');
  check(finite(d.hysteresisPct) && d.hysteresisPct >= 0 && d.hysteresisPct < d.warningPct, 'drain.hysteresisPct', '>= 0 and below warningPct');
  check(finite(d.minDurationMs) && d.minDurationMs >= 0, 'drain.minDurationMs', '>= 0');
  check(finite(d.clearHoldMs) && d.clearHoldMs >= 0, 'drain.clearHoldMs', '>= 0');
  check(positive(d.clearMinReadings) && Number.isInteger(d.clearMinReadings), 'drain.clearMinReadings', 'a positive integer');
  check(positive(d.gapMs), 'drain.gapMs', 'a positive number');
  for (const k of ['rapidRiseMm', 'rapidRiseWindowMs', 'dryRisePct', 'dryRiseWindowMs', 'outOfRangeReadings', 'stuckReadings', 'staleMs'] as const) {
    check(positive(d[k]), `drain.${k}`, 'a positive number');
  }
  check(finite(d.rapidRiseMinPct) && d.rapidRiseMinPct >= 0 && d.rapidRiseMinPct < d.warningPct, 'drain.rapidRiseMinPct', '>= 0 and below warningPct');
  check(finite(d.minLevelMm), 'drain.minLevelMm', 'a number');
  check(finite(d.maxAboveDepthMm) && d.maxAboveDepthMm >= 0, 'drain.maxAboveDepthMm', '>= 0');
  check(pct(d.lowBatteryPct), 'drain.lowBatteryPct', 'a percentage');
  check(finite(d.batteryHysteresisPct) && d.batteryHysteresisPct >= 0, 'drain.batteryHysteresisPct', '>= 0');
  check(positive(s.door.heldOpenMs), 'door.heldOpenMs', 'a positive number');
  check(positive(s.door.deniedCount) && Number.isInteger(s.door.deniedCount), 'door.deniedCount', 'a positive integer');
  check(positive(s.door.deniedWindowMs), 'door.deniedWindowMs', 'a positive number');
  check(positive(s.door.deniedQuietMs), 'door.deniedQuietMs', 'a positive number');
  const c = s.camera;
  check(finite(c.utcOffsetMin) && Math.abs(c.utcOffsetMin) <= 14 * 60, 'camera.utcOffsetMin', 'minutes within ±14 h');
  check(span(c.quietHours), 'camera.quietHours', '{ from: "HH:MM", to: "HH:MM" }');
  for (const [zone, z] of Object.entries(c.zoneQuietHours)) check(z === 'off' || span(z), `camera.zoneQuietHours.${zone}`, '"off" or { from: "HH:MM", to: "HH:MM" }');
  check(finite(c.motionMinConfidence) && c.motionMinConfidence >= 0 && c.motionMinConfidence <= 1, 'camera.motionMinConfidence', 'within 0..1');
  check(finite(c.motionDebounceMs) && c.motionDebounceMs >= 0, 'camera.motionDebounceMs', '>= 0');
  check(positive(c.motionClearMs), 'camera.motionClearMs', 'a positive number');
  check(finite(c.motionLingerMs) && c.motionLingerMs >= 0, 'camera.motionLingerMs', '>= 0');
  check(Number.isInteger(c.motionLingerBursts) && c.motionLingerBursts >= 1, 'camera.motionLingerBursts', 'an integer >= 1');
  check(positive(s.offline.heartbeatTimeoutMs), 'offline.heartbeatTimeoutMs', 'a positive number');
  check(finite(s.offline.graceMs) && s.offline.graceMs >= 0, 'offline.graceMs', '>= 0');
  check(finite(s.deviceFault.graceMs) && s.deviceFault.graceMs >= 0, 'deviceFault.graceMs', '>= 0');
  check(positive(s.massOutage.minDevices), 'massOutage.minDevices', 'a positive number');
  check(share(s.massOutage.minShare), 'massOutage.minShare', 'within (0, 1]');
  check(positive(s.massOutage.windowMs), 'massOutage.windowMs', 'a positive number');
  check(share(s.massOutage.clearShare), 'massOutage.clearShare', 'within (0, 1]');
  problems.push(...ticketingProblems(s.tickets, s.grouping));
  if (problems.length > 0) {
    throw new OcError('OC_CONFIG_INVALID', `rule settings for ${where}: ${problems.join('; ')}`, { keys: problems.map((p) => p.split(' ')[0]) });
  }
}

function deepFreeze<T>(x: T): T {
  if (typeof x === 'object' && x !== null) {
    for (const v of Object.values(x)) deepFreeze(v);
    Object.freeze(x);
  }
  return x;
}
