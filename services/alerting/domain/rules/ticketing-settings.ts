/**
 * When an alert becomes a ticket, per rule, and how alerts are grouped: the part of the
 * rule settings that decides what is work for a person (issue 14). An alert is a signal
 * (stored, shown on the desk's strip); a ticket opens only when its rule's `when` says so,
 * or when grouping (a storm, an outage, a night's motion) makes one ticket of many alerts.
 */
import { ALERT_TYPES, type AlertType } from '../model.ts';

/**
 * - `immediately`: the first fire opens a ticket;
 * - `{ afterMinutes: N }`: only an alert still firing N minutes after it started (persisted, so a restart does not forget);
 * - `{ occurrences: { count: K, withinMinutes: W } }`: the K-th fire within W minutes;
 * - `never`: the alert alone never opens one (it may still join a grouped incident as a child or evidence).
 */
export type TicketWhen = 'immediately' | 'never' | { afterMinutes: number } | { occurrences: { count: number; withinMinutes: number } };

export interface RuleTicketing {
  when: TicketWhen;
  /** A dispatched person must accept within this (ms), or the ticket goes to the next person and the supervisor on shift; absent: the ticket policy's accept timeout. */
  acceptWithinMs?: number;
}

export interface GroupingSettings {
  storm: {
    /** A storm incident opens when this many manholes of one compound rise fast... */
    minManholes: number;
    /** ...within this span of each other. */
    windowMs: number;
    /** It resolves itself once no manhole has risen fast for this long and none of its drain tickets is still active. */
    quietMs: number;
  };
  outage: {
    /** Devices still dark this long after the outage ended get tickets of their own. */
    darkGraceMs: number;
  };
  nightDigest: {
    /** Quiet-hours motion becomes one digest ticket per compound and night (off: each alert follows its own `when`). */
    enabled: boolean;
    /** Motion within this of a door or tamper incident in the same compound joins that incident as evidence. */
    nearbyMs: number;
  };
  dispatch: {
    /** P1 tickets are dispatched by the system to the nearest qualified person on shift... */
    autoDispatchP1: boolean;
    /**
     * ...when nobody has taken them this long after they opened: the desk has the first say (it may
     * know better who is closest), the system makes sure a person moves within a minute anyway.
     */
    afterMs: number;
  };
}

const MINUTE = 60_000;

/** Transient signals stay alerts; grouped ones become one incident (see GroupingSettings). */
export const DEFAULT_TICKETING: Record<AlertType, RuleTicketing> = {
  ...(Object.fromEntries(ALERT_TYPES.map((t) => [t, { when: 'immediately' }])) as Record<AlertType, RuleTicketing>),
  // Every manhole rises fast in a storm; the ones that matter reach warning (their own ticket) or join the storm incident.
  'drain.rapid-rise': { when: 'never' },
  // One burst of motion is nobody's job; the night's digest (or a nearby door incident) collects them.
  'camera.quiet-hours-motion': { when: 'never' },
  // A door stands open a minute before it is held open; five more and it is work for a guard.
  // Deliveries, removals and a resident's shopping prop a gate for a few minutes and close it:
  // those stay alerts on the strip (a forced door stays immediate, below).
  'door.held-open': { when: { afterMinutes: 5 } },
  // Video loss is a device fault: a camera restart, an NVR reconnect or a PoE switch reboot
  // comes back within minutes by itself. A camera dark a quarter of an hour needs a technician.
  // A camera deliberately blinded raises camera.tamper, which stays immediate.
  'camera.video-loss': { when: { afterMinutes: 15 } },
  // A forced door needs someone moving now: the first person has 3 minutes to accept.
  'door.forced-open': { when: 'immediately', acceptWithinMs: 3 * MINUTE },
  'drain.level-critical': { when: 'immediately', acceptWithinMs: 5 * MINUTE },
  'site.mass-outage': { when: 'immediately', acceptWithinMs: 5 * MINUTE },
};

export const DEFAULT_GROUPING: GroupingSettings = {
  storm: { minManholes: 3, windowMs: 30 * MINUTE, quietMs: 30 * MINUTE },
  outage: { darkGraceMs: 10 * MINUTE },
  nightDigest: { enabled: true, nearbyMs: 10 * MINUTE },
  dispatch: { autoDispatchP1: true, afterMs: 30_000 },
};

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const positive = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x) && x > 0;

/** Problems with a `when`, each naming its key; empty when it is fine. */
export function whenProblems(when: unknown, key: string): string[] {
  if (when === 'immediately' || when === 'never') return [];
  const want = `${key} must be "immediately", "never", { afterMinutes: N } or { occurrences: { count: K, withinMinutes: W } }`;
  if (!isObject(when)) return [want];
  const keys = Object.keys(when);
  if (keys.length === 1 && keys[0] === 'afterMinutes') return positive(when.afterMinutes) ? [] : [`${key}.afterMinutes must be a positive number`];
  if (keys.length === 1 && keys[0] === 'occurrences' && isObject(when.occurrences)) {
    const o = when.occurrences;
    const out: string[] = [];
    if (!(positive(o.count) && Number.isInteger(o.count))) out.push(`${key}.occurrences.count must be a positive integer`);
    if (!positive(o.withinMinutes)) out.push(`${key}.occurrences.withinMinutes must be a positive number`);
    for (const k of Object.keys(o)) if (k !== 'count' && k !== 'withinMinutes') out.push(`${key}.occurrences.${k} is not a known setting`);
    return out;
  }
  return [want];
}

/** Problems with the ticketing and grouping settings, each naming its key. */
export function ticketingProblems(tickets: Record<string, unknown>, grouping: GroupingSettings): string[] {
  const out: string[] = [];
  for (const [type, rule] of Object.entries(tickets)) {
    const key = `tickets.${type}`;
    if (!(ALERT_TYPES as readonly string[]).includes(type)) {
      out.push(`${key} is not a known rule`);
      continue;
    }
    if (!isObject(rule)) {
      out.push(`${key} must be { when, acceptWithinMs? }`);
      continue;
    }
    out.push(...whenProblems(rule.when, `${key}.when`));
    if (rule.acceptWithinMs !== undefined && !positive(rule.acceptWithinMs)) out.push(`${key}.acceptWithinMs must be a positive number`);
  }
  const g = grouping;
  if (!(positive(g.storm.minManholes) && Number.isInteger(g.storm.minManholes))) out.push('grouping.storm.minManholes must be a positive integer');
  if (!positive(g.storm.windowMs)) out.push('grouping.storm.windowMs must be a positive number');
  if (!positive(g.storm.quietMs)) out.push('grouping.storm.quietMs must be a positive number');
  if (!(typeof g.outage.darkGraceMs === 'number' && g.outage.darkGraceMs >= 0)) out.push('grouping.outage.darkGraceMs must be >= 0');
  if (typeof g.nightDigest.enabled !== 'boolean') out.push('grouping.nightDigest.enabled must be true or false');
  if (!positive(g.nightDigest.nearbyMs)) out.push('grouping.nightDigest.nearbyMs must be a positive number');
  if (typeof g.dispatch.autoDispatchP1 !== 'boolean') out.push('grouping.dispatch.autoDispatchP1 must be true or false');
  // The promise: every P1 is with a person within 60 s.
  if (!(typeof g.dispatch.afterMs === 'number' && g.dispatch.afterMs >= 0 && g.dispatch.afterMs <= 60_000)) out.push('grouping.dispatch.afterMs must be within 0..60000');
  return out;
}

/**
 * A rule's `when` replaces the one below it whole (an `afterMinutes` over an `occurrences`
 * must not merge into both), while `acceptWithinMs` may be set alone.
 */
export function mergeTicketing(layers: readonly (Partial<Record<string, Partial<RuleTicketing>>> | undefined)[]): Record<AlertType, RuleTicketing> {
  const out = structuredClone(DEFAULT_TICKETING) as Record<string, RuleTicketing>;
  for (const layer of layers) {
    if (layer === undefined) continue;
    for (const [type, rule] of Object.entries(layer)) {
      if (rule === undefined) continue;
      out[type] = { ...(out[type] ?? { when: 'immediately' }), ...rule } as RuleTicketing;
    }
  }
  return out as Record<AlertType, RuleTicketing>;
}
