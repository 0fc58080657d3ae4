import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../shared/config-file.ts';
import { OcError } from '../shared/errors.ts';
import { DEFAULT_RULE_SETTINGS, type RuleSettingsOverrides } from './domain/rules/settings.ts';

export const REFERENCE_RULES_PATH = fileURLToPath(new URL('./reference/dianliu-block8-rules.yaml', import.meta.url));

/**
 * Reads per-site, per-compound and per-device rule settings (YAML or JSON).
 * Values are checked by the rules engine when it starts; here every key is
 * checked against the defaults, so a typo is an error naming it, not a setting
 * silently ignored.
 */
export function loadRuleOverrides(path: string = REFERENCE_RULES_PATH): RuleSettingsOverrides {
  const raw = readConfigFile(path, 'rules file');
  if (raw === null || raw === undefined) return {};
  const problems: string[] = [];
  if (typeof raw !== 'object' || Array.isArray(raw)) problems.push('(root): must be an object with site, compounds and devices');
  else {
    for (const [key, value] of Object.entries(raw)) {
      if (key === 'site') checkKeys(value, DEFAULT_RULE_SETTINGS, 'site', problems);
      else if (key === 'compounds' || key === 'devices') {
        if (typeof value !== 'object' || value === null) problems.push(`${key}: must map ids to settings`);
        else for (const [id, settings] of Object.entries(value)) checkKeys(settings, DEFAULT_RULE_SETTINGS, `${key}.${id}`, problems);
      } else problems.push(`${key}: is not a known key (site, compounds, devices)`);
    }
  }
  if (problems.length > 0) throw new OcError('OC_CONFIG_INVALID', `rules file ${path}: ${problems.join('; ')}`, { keys: problems.map((p) => p.split(':')[0]) });
  return raw as RuleSettingsOverrides;
}

function checkKeys(value: unknown, shape: unknown, path: string, problems: string[]): void {
  if (typeof shape !== 'object' || shape === null || Array.isArray(shape)) return;
  // Maps keyed by the user (zone names) take any key.
  if (path.endsWith('zoneQuietHours') || path.endsWith('quietHours')) return;
  // A rule's ticketing: `when` takes a word or one of two shapes, checked with the values at start.
  if (/\.tickets\.[^.]+$/.test(path)) {
    if (typeof value !== 'object' || value === null || Array.isArray(value)) problems.push(`${path}: must be { when, acceptWithinMs? }`);
    else for (const key of Object.keys(value)) if (key !== 'when' && key !== 'acceptWithinMs') problems.push(`${path}.${key}: is not a known setting`);
    return;
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    problems.push(`${path}: must be an object`);
    return;
  }
  for (const [key, child] of Object.entries(value)) {
    if (!(key in shape)) problems.push(`${path}.${key}: is not a known setting`);
    else checkKeys(child, (shape as Record<string, unknown>)[key], `${path}.${key}`, problems);
  }
}
