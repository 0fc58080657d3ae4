/**
 * Rule settings and the SLA policy edited live (issue 17): thresholds, quiet hours, grouping
 * (mass outage) per compound or for the whole site, and the ticket deadlines. Validated
 * exactly like the files: the keys by the rules-file check, the values by the engine's own
 * resolution (every device of the compound), the deadlines by the ticket-policy parser.
 * An unknown key is OC_RULES_UNKNOWN_SETTING, a value out of range OC_RULES_OUT_OF_RANGE,
 * and either names the key.
 */
import type { DeviceContext } from '../alerting/domain/model.ts';
import { resolveCompoundSettings, resolveRuleSettings, type DeepPartial, type RuleSettings, type RuleSettingsOverrides } from '../alerting/domain/rules/settings.ts';
import { parseRuleOverrides } from '../alerting/rule-overrides-file.ts';
import { parseTicketPolicy } from '../alerting/ticket-policy-file.ts';
import type { TicketPolicy } from '../alerting/domain/tickets/types.ts';
import { isOcError, OcError } from '../shared/errors.ts';

export type RulesItem = RuleSettingsOverrides;
export type Scope = { compoundId: string } | 'site';

/** The rules item with one scope's settings replaced; refuses an unknown compound, key or out-of-range value. */
export function withScopeSettings(rules: RulesItem, scope: Scope, settings: DeepPartial<RuleSettings>, compounds: readonly string[], devices: readonly DeviceContext[]): RulesItem {
  if (scope !== 'site' && !compounds.includes(scope.compoundId)) throw new OcError('OC_CONFIG_NOT_FOUND', `no compound ${scope.compoundId}; the compounds are ${compounds.join(', ')}`, { field: 'compoundId' });
  const next: RulesItem = scope === 'site' ? { ...rules, site: settings } : { ...rules, compounds: { ...rules.compounds, [scope.compoundId]: settings } };
  const overrides = keysChecked(next);
  valuesChecked(overrides, compounds, devices);
  return next;
}

/** Every key known (the rules file's check); the problem's key path in `field`. */
function keysChecked(rules: RulesItem): RuleSettingsOverrides {
  try {
    return parseRuleOverrides(rules, 'rules');
  } catch (err) {
    if (!isOcError(err, 'OC_CONFIG_INVALID')) throw err;
    const keys = (err.details?.keys as string[] | undefined) ?? [];
    throw new OcError('OC_RULES_UNKNOWN_SETTING', err.message.replace(/^configuration is invalid: /, ''), { keys, field: settingKey(keys[0]) });
  }
}

/** Every value usable by the rules, resolved as the engine will for each device and each compound. */
export function valuesChecked(overrides: RuleSettingsOverrides, compounds: readonly string[], devices: readonly DeviceContext[]): void {
  try {
    // The site's own values too, though every compound may override them: a compound added later would get them.
    resolveCompoundSettings({ site: overrides.site ?? {} }, '(any new compound)');
    for (const c of compounds) resolveCompoundSettings(overrides, c);
    for (const d of devices) resolveRuleSettings(overrides, d);
  } catch (err) {
    if (!isOcError(err, 'OC_CONFIG_INVALID')) throw err;
    const keys = (err.details?.keys as string[] | undefined) ?? [];
    throw new OcError('OC_RULES_OUT_OF_RANGE', err.message.replace(/^configuration is invalid: /, ''), { keys, field: keys[0] });
  }
}

/** `compounds.dl8.drain.warningPct` → `drain.warningPct`: the key as the admin typed it. */
const settingKey = (path: string | undefined): string | undefined => path?.replace(/^(site|compounds\.[^.]+|devices\.[^.]+)\./, '');

/**
 * The SLA policy as the ticket-policy file states it, checked by that file's parser (and its compound layers
 * against the site's compounds). `editedCompound`: the admin edited that compound's layer, so `field` names
 * the key as they typed it there (`sla.byPriority.P1`, not `compounds.dl8.sla.byPriority.P1`).
 */
export function checkedTicketPolicy(raw: unknown, compounds?: readonly string[], editedCompound?: string): TicketPolicy {
  try {
    return parseTicketPolicy(raw, 'ticket policy', compounds);
  } catch (err) {
    if (!isOcError(err, 'OC_CONFIG_INVALID')) throw err;
    const keys = (err.details?.keys as string[] | undefined) ?? [];
    const unknownKey = /is not a known key|is not a compound of the site/.test(err.message);
    const layer = editedCompound === undefined ? undefined : `compounds.${editedCompound}.`;
    const field = layer !== undefined && keys[0]?.startsWith(layer) ? keys[0].slice(layer.length) : keys[0];
    throw new OcError(unknownKey ? 'OC_RULES_UNKNOWN_SETTING' : 'OC_RULES_OUT_OF_RANGE', err.message.replace(/^configuration is invalid: /, ''), { keys, field });
  }
}

type PolicyItem = Record<string, unknown> & { compounds?: Record<string, unknown> };

/** The stored policy with one compound's SLA layer replaced (`{}` clears it), checked whole; refuses an unknown compound. */
export function withCompoundSla(policy: PolicyItem, compoundId: string, layer: Record<string, unknown>, compounds: readonly string[]): PolicyItem {
  if (!compounds.includes(compoundId)) throw new OcError('OC_CONFIG_NOT_FOUND', `no compound ${compoundId}; the compounds are ${compounds.join(', ')}`, { field: 'compoundId' });
  const { [compoundId]: _previous, ...others } = policy.compounds ?? {};
  const layers = Object.keys(layer).length > 0 ? { ...others, [compoundId]: layer } : others;
  const { compounds: _all, ...site } = policy;
  const next: PolicyItem = Object.keys(layers).length > 0 ? { ...site, compounds: layers } : site;
  checkedTicketPolicy(next, compounds, compoundId);
  return next;
}
