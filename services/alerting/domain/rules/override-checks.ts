/**
 * Checks of rule overrides against the rule settings and the site: a key that names an
 * unknown rule or setting, or a compound, place, device or camera zone the site does not
 * have, is a mistake that would otherwise be silently ignored (a mute that mutes nothing).
 * Pure; the rules engine refuses such overrides at start, and the admin API (issue 17)
 * can show the same list before it saves anything.
 */
import { OcError } from '../../../shared/errors.ts';
import type { DeviceContext } from '../model.ts';
import { DEFAULT_RULE_SETTINGS, resolveCompoundSettings, resolveRuleSettings, type RuleSettingsOverrides } from './settings.ts';

/** One mistake, by its key path in the overrides (e.g. `devices.dl8-cam-12.camera.zoneQuietHours.parking`). */
export interface RuleOverrideProblem {
  key: string;
  problem: string;
}

const LAYERS = ['site', 'compounds', 'places', 'devices'] as const;
/** Settings sections that belong to one device kind; the others (offline, deviceFault, massOutage) fit every device. */
const KIND_SECTIONS: Record<string, DeviceContext['kind']> = { drain: 'drain', door: 'door', camera: 'camera' };

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * Every problem of `raw` as rule overrides: its shape always; with `devices`, also the
 * compounds, places, devices and camera zones it names, and every value the rules would
 * refuse (each device's and compound's resolved settings).
 */
export function ruleOverrideProblems(raw: unknown, devices?: readonly DeviceContext[]): RuleOverrideProblem[] {
  const problems: RuleOverrideProblem[] = [];
  const add = (key: string, problem: string) => problems.push({ key, problem });
  if (raw === null || raw === undefined) return [];
  if (!isObject(raw)) return [{ key: '(root)', problem: 'must be an object with site, compounds, places and devices' }];
  for (const [layer, value] of Object.entries(raw)) {
    if (!(LAYERS as readonly string[]).includes(layer)) {
      add(layer, `is not a known key (${LAYERS.join(', ')})`);
      continue;
    }
    if (layer === 'site') {
      checkSettings(value, 'site', devices, add);
      continue;
    }
    if (!isObject(value)) {
      add(layer, 'must map ids to settings');
      continue;
    }
    for (const [id, settings] of Object.entries(value)) {
      const key = `${layer}.${id}`;
      const scope = devices && scopeOf(layer as 'compounds' | 'places' | 'devices', id, devices);
      if (devices && scope!.length === 0) {
        add(key, `no ${layer === 'compounds' ? 'compound' : layer === 'places' ? 'place or building' : 'device'} '${id}' on this site`);
        continue;
      }
      checkSettings(settings, key, scope, add);
    }
  }
  if (devices && problems.length === 0) problems.push(...valueProblems(raw as RuleSettingsOverrides, devices));
  return problems;
}

/** Throws OC_CONFIG_INVALID naming every problem and its key, unless there is none. */
export function assertRuleOverrides(raw: unknown, devices?: readonly DeviceContext[], source = 'rule overrides'): RuleSettingsOverrides {
  const problems = ruleOverrideProblems(raw, devices);
  if (problems.length > 0) {
    throw new OcError('OC_CONFIG_INVALID', `${source}: ${problems.map((p) => `${p.key}: ${p.problem}`).join('; ')}`, { keys: problems.map((p) => p.key) });
  }
  return (raw ?? {}) as RuleSettingsOverrides;
}

function scopeOf(layer: 'compounds' | 'places' | 'devices', id: string, devices: readonly DeviceContext[]): DeviceContext[] {
  if (layer === 'compounds') return devices.filter((d) => d.compoundId === id);
  if (layer === 'places') return devices.filter((d) => d.placeId === id || d.buildingId === id);
  return devices.filter((d) => d.deviceId === id);
}

function checkSettings(value: unknown, path: string, scope: readonly DeviceContext[] | undefined, add: (key: string, problem: string) => void): void {
  if (!isObject(value)) {
    add(path, 'must be an object of rule settings');
    return;
  }
  const defaults = DEFAULT_RULE_SETTINGS as unknown as Record<string, Record<string, unknown>>;
  for (const [section, settings] of Object.entries(value)) {
    const key = `${path}.${section}`;
    const shape = defaults[section];
    if (!shape) {
      add(key, `is not a known rule (${Object.keys(defaults).join(', ')})`);
      continue;
    }
    const kind = KIND_SECTIONS[section];
    if (scope && kind && scope.length === 1 && path.startsWith('devices.') && scope[0]!.kind !== kind) {
      add(key, `${scope[0]!.deviceId} is a ${scope[0]!.kind}; ${section} settings would do nothing`);
      continue;
    }
    if (!isObject(settings)) {
      add(key, 'must be an object');
      continue;
    }
    for (const [name, setting] of Object.entries(settings)) {
      if (!(name in shape)) add(`${key}.${name}`, 'is not a known setting');
      else if (section === 'camera' && name === 'zoneQuietHours') checkZones(setting, `${key}.${name}`, scope, add);
      else if (isObject(shape[name]) && name !== 'quietHours' && !isObject(setting)) add(`${key}.${name}`, 'must be an object');
      else if (section === 'tickets' || section === 'grouping') checkNested(section, setting, shape[name], `${key}.${name}`, add);
    }
  }
}

/** A rule's ticketing takes `when` and `acceptWithinMs`; a grouping section its own settings (issue 14). */
function checkNested(section: 'tickets' | 'grouping', setting: unknown, shape: unknown, path: string, add: (key: string, problem: string) => void): void {
  if (!isObject(setting)) return;
  const known = section === 'tickets' ? ['when', 'acceptWithinMs'] : isObject(shape) ? Object.keys(shape) : [];
  for (const k of Object.keys(setting)) if (!known.includes(k)) add(`${path}.${k}`, 'is not a known setting');
}

/** A zone must be one that a camera in the override's scope reports. */
function checkZones(value: unknown, path: string, scope: readonly DeviceContext[] | undefined, add: (key: string, problem: string) => void): void {
  if (!isObject(value)) {
    add(path, 'must map zone ids to quiet hours or "off"');
    return;
  }
  if (!scope) return;
  const cameras = scope.filter((d) => d.kind === 'camera');
  const known = new Set(cameras.flatMap((c) => (c.zones ?? []).map((z) => z.id)));
  for (const zone of Object.keys(value)) {
    if (known.has(zone)) continue;
    const zones = [...known].sort().join(', ') || 'none';
    add(`${path}.${zone}`, `no camera here has a zone '${zone}' (${cameras.length === 1 ? `${cameras[0]!.deviceId} has` : 'the cameras here have'}: ${zones})`);
  }
}

/** What the rules would refuse, resolved for every device and compound, each problem under its own key. */
function valueProblems(overrides: RuleSettingsOverrides, devices: readonly DeviceContext[]): RuleOverrideProblem[] {
  const seen = new Map<string, RuleOverrideProblem>();
  const attempt = (where: string, resolve: () => unknown) => {
    try {
      resolve();
    } catch (err) {
      if (!(err instanceof OcError)) throw err;
      for (const key of (err.details?.keys as string[] | undefined) ?? [where]) {
        if (!seen.has(key)) seen.set(key, { key, problem: `${err.message} (first found for ${where})` });
      }
    }
  };
  for (const d of devices) attempt(d.deviceId, () => resolveRuleSettings(overrides, d));
  for (const compoundId of new Set(devices.map((d) => d.compoundId))) attempt(compoundId, () => resolveCompoundSettings(overrides, compoundId));
  return [...seen.values()];
}
