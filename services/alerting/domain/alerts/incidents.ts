/**
 * The signals of grouped incidents (issue 14): they come from many alerts, not from one
 * observation, so they are made here from the compound and the moment.
 */
import type { AlertSignal, Bilingual } from '../model.ts';
import { compoundSubject, makeSignal } from '../rules/signals.ts';

export interface CompoundFacts {
  communityId: string;
  compoundId: string;
  name: Bilingual;
}

/** The storm incident of a compound: one ticket, one child line per manhole rising fast. */
export function stormSignal(action: AlertSignal['action'], c: CompoundFacts, at: number, manholes: readonly string[]): AlertSignal {
  return makeSignal({
    action,
    alertType: 'site.storm',
    subject: compoundSubject(c.communityId, c.compoundId),
    at,
    eventId: `storm:${c.compoundId}@${at}`,
    summary:
      action === 'fire'
        ? { zh: `${c.name.zh}暴雨：多个检查井水位快速上涨`, en: `Storm over ${c.name.en}: manholes rising fast` }
        : { zh: `${c.name.zh}暴雨已过：检查井水位不再上涨`, en: `Storm over ${c.name.en} has passed: no manhole rising` },
    details: { manholes: [...manholes] },
  });
}

const DAY_MS = 86_400_000;

/** The local date a night belongs to: the evening it started (local time minus 12 h), "YYYY-MM-DD". */
export function nightOf(at: number, utcOffsetMin: number): string {
  return new Date(at + utcOffsetMin * 60_000 - DAY_MS / 2).toISOString().slice(0, 10);
}

/** The compound's one motion digest of a night: its fingerprint names the night, so the next night has its own. */
export function digestSignal(c: CompoundFacts, at: number, utcOffsetMin: number, eventId: string): AlertSignal {
  const night = nightOf(at, utcOffsetMin);
  const subject = { ...compoundSubject(c.communityId, c.compoundId), groupId: `${c.compoundId}:night-${night}` };
  return makeSignal({
    action: 'fire',
    alertType: 'camera.night-motion-digest',
    subject,
    at,
    eventId,
    summary: { zh: `${c.name.zh}夜间静默时段活动汇总（${night} 夜）`, en: `Night motion digest, ${c.name.en} (night of ${night})` },
    details: { night },
  });
}
