import { toDeviceContext } from '../alerting/device-context.ts';
import { resolveRuleSettings, type RuleSettingsOverrides } from '../alerting/domain/rules/settings.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { TimeSeriesReader } from '../timeseries/port.ts';

/** A drain's alert levels as its alerting rules see them, in percent of depth and in millimetres. */
export interface DrainThresholds {
  depthMm: number;
  warningPct: number;
  criticalPct: number;
  warningMm: number;
  criticalMm: number;
}

/** What the API's series routes need: the store to ask, and the levels to draw on a drain's chart. */
export interface SeriesContext {
  reader: TimeSeriesReader;
  /** Undefined for a device that is not a drain sensor of the site. */
  drainThresholds(deviceId: string): DrainThresholds | undefined;
}

/**
 * Thresholds come from the same rule settings (defaults, then site, compound and device
 * overrides of OC_RULES_FILE) the alerting service fires on, so the lines on the chart
 * are where tickets open.
 */
export function createSeriesContext(reader: TimeSeriesReader, devices: readonly PlacedDevice[], overrides: RuleSettingsOverrides = {}): SeriesContext {
  const thresholds = new Map<string, DrainThresholds>();
  for (const d of devices) {
    if (d.kind !== 'drain' || d.depthMm === undefined) continue;
    const { warningPct, criticalPct } = resolveRuleSettings(overrides, toDeviceContext(d)).drain;
    thresholds.set(d.id, { depthMm: d.depthMm, warningPct, criticalPct, warningMm: Math.round((d.depthMm * warningPct) / 100), criticalMm: Math.round((d.depthMm * criticalPct) / 100) });
  }
  return { reader, drainThresholds: (deviceId) => thresholds.get(deviceId) };
}
