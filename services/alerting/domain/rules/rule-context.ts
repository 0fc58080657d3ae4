import type { DeviceContext } from '../model.ts';
import type { RuleSettings } from './settings.ts';
import type { RuleStateStore } from './state-store.ts';

/** What a per-device rule family gets: the device, its resolved settings, and the state to read and write. */
export interface DeviceRuleContext {
  device: DeviceContext;
  settings: RuleSettings;
  state: RuleStateStore;
}
