import { fileURLToPath } from 'node:url';
import { readConfigFile } from '../shared/config-file.ts';
import { assertRuleOverrides } from './domain/rules/override-checks.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';

export const REFERENCE_RULES_PATH = fileURLToPath(new URL('./reference/dianliu-block8-rules.yaml', import.meta.url));

/**
 * Reads per-site, per-compound, per-place and per-device rule settings (YAML or JSON).
 * Every key is checked here against the rule settings, so a typo is an error naming it,
 * not a setting silently ignored; the rules engine then checks the ids and camera zones
 * against the site and the values, when it starts.
 */
export function loadRuleOverrides(path: string = REFERENCE_RULES_PATH): RuleSettingsOverrides {
  const raw = readConfigFile(path, 'rules file');
  return assertRuleOverrides(raw, undefined, `rules file ${path}`);
}
