import type { TicketStore } from '../../alerting/alerting-service.ts';
import { rememberedLevels, type Sample } from '../../alerting/domain/rules/drain-rules.ts';

/** Drain level readings, oldest first, as [device time ms, level mm]. */
export interface DrainLevelSource {
  readings(deviceIds: readonly string[]): Map<string, Sample[]>;
}

/**
 * What the alerting service's drain rules remember (about 3 h per sensor), read
 * from its store. Enough for the plan's "level now" and a chart around a recent
 * alert; the time-series store (issue 7) keeps the long history.
 */
export function drainLevelsFromAlerting(store: TicketStore): DrainLevelSource {
  return {
    readings: (deviceIds) => store.transaction((tx) => new Map(deviceIds.map((id) => [id, rememberedLevels(tx.ruleState, id)]))),
  };
}
