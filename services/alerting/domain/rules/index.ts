/** The alerting rules: pure domain code turning observations and ticks into alert signals. */
export { RuleEngine } from './engine.ts';
export { MemoryRuleStateStore, type RuleStateStore } from './state-store.ts';
export {
  DEFAULT_RULE_SETTINGS,
  resolveRuleSettings,
  type DailySpan,
  type DeepPartial,
  type RuleSettings,
  type RuleSettingsOverrides,
} from './settings.ts';
export { ALERT_TRAITS } from './signals.ts';
