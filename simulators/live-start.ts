import { scenarioUtcOffsetMin, type Scenario } from './scenario.ts';

const HOUR_MS = 3_600_000;
/** History a live run starts with at least, so the desk's charts of the last hours show something at once. */
export const MIN_LIVE_HISTORY_MS = HOUR_MS;
/** However long the scripted part, no more than a day is played into the past. */
export const MAX_LIVE_HISTORY_MS = 24 * HOUR_MS;

export interface LiveStart {
  /** The scenario's new start, in its own zone (the zone sets the local hours the traffic models follow). */
  startAt: string;
  /** How far before now the run starts. */
  historyMs: number;
}

/**
 * Where `npm start`'s simulation starts so that device time is real time. Devices stamp
 * what they send with their clock, and charts, Grafana and retention go by those times,
 * so a simulation on a date of its own (or running ahead of now at 10×) leaves "the last
 * hours" empty. The run starts in the past instead and the runner stops it at the wall
 * clock (`capAtWallClock`): it plays at the scenario's speed until it reaches now, then in
 * real time. Far enough back that every scripted incident plays at speed before that; at
 * a speed of 1 or less it could never catch up, so it starts now.
 */
export function liveStart(scenario: Pick<Scenario, 'events' | 'speed' | 'startAt'>, nowMs: number): LiveStart {
  const now = Math.floor(nowMs / 1000) * 1000;
  const offsetMin = scenarioUtcOffsetMin(scenario);
  if (scenario.speed <= 1) return { startAt: isoAtOffset(now, offsetMin), historyMs: 0 };
  // Simulated time reaches now after S·H/(S−1) of it has played, S the speed, H the history.
  const scriptedMs = scriptedEndMs(scenario);
  const needed = Math.ceil((scriptedMs * (scenario.speed - 1)) / scenario.speed / 1000) * 1000;
  const historyMs = Math.min(MAX_LIVE_HISTORY_MS, Math.max(MIN_LIVE_HISTORY_MS, needed));
  return { startAt: isoAtOffset(now - historyMs, offsetMin), historyMs };
}

/** Simulated ms after the start when the last scripted incident is over. */
export function scriptedEndMs(scenario: Pick<Scenario, 'events'>): number {
  let end = 0;
  for (const e of scenario.events) end = Math.max(end, (e.at + ('durationS' in e ? (e.durationS ?? 0) : 0)) * 1000);
  return end;
}

/** `2026-11-26T09:52:03+08:00`: the instant `ms` written in the zone `offsetMin` east of UTC. */
export function isoAtOffset(ms: number, offsetMin: number): string {
  const local = new Date(ms + offsetMin * 60_000).toISOString().slice(0, 19);
  const abs = Math.abs(offsetMin);
  const pad = (n: number) => String(n).padStart(2, '0');
  return `${local}${offsetMin < 0 ? '-' : '+'}${pad(Math.floor(abs / 60))}:${pad(abs % 60)}`;
}

/**
 * `liveStart`, but never before `lastReachedMs`, the simulated time a previous run on the
 * same data dir got to (sim-time-record.ts). Its devices already reported up to there: a
 * run starting earlier would give the time series a second, different reading for
 * instants already recorded and fire the scripted incidents again in a past that already
 * happened, which real devices never do. So the history is min(what liveStart wants,
 * now − lastReached), and the start lands strictly after lastReached, on a whole second.
 * No record (first run) is exactly liveStart; a record in the future starts now.
 */
export function liveStartAfter(scenario: Pick<Scenario, 'events' | 'speed' | 'startAt'>, nowMs: number, lastReachedMs: number | undefined): LiveStart {
  const wanted = liveStart(scenario, nowMs);
  if (lastReachedMs === undefined) return wanted;
  const now = Math.floor(nowMs / 1000) * 1000;
  const sinceReached = Math.ceil((now - lastReachedMs) / 1000) * 1000 - 1000;
  const historyMs = Math.max(0, Math.min(wanted.historyMs, sinceReached));
  if (historyMs === wanted.historyMs) return wanted;
  return { startAt: isoAtOffset(now - historyMs, scenarioUtcOffsetMin(scenario)), historyMs };
}

/** A scenario's scripted incidents as a restarted live run plays them (`resumeScript`). */
export interface ResumedScript {
  /** The incidents still ahead, their `at` counted from the new run's start. */
  events: Scenario['events'];
  /** What is left of the scenario's duration from the new start (at least a second). */
  durationS: number;
  /** Incidents the earlier runs already played: simulated time got past them. Never fired again. */
  played: Scenario['events'];
  /** Incidents whose time passed while nothing ran (the new start is after them): not fired either. */
  missed: Scenario['events'];
}

/**
 * The script of a live run goes by the time its first run started (`scriptStartMs`), not by
 * the start of each restart: a restart on the same data dir continues the site, so an
 * incident the earlier runs played (simulated time reached it: `reachedMs`) is not fired a
 * second time, and one still ahead happens at its time. An incident between the last reach
 * and the new start fell in a gap nobody simulated (the site was stopped longer than the
 * history a run replays); it is left out too, rather than happening late.
 */
export function resumeScript(scenario: Pick<Scenario, 'events' | 'durationS'>, scriptStartMs: number, startMs: number, reachedMs: number | undefined): ResumedScript {
  const events: Scenario['events'] = [];
  const played: Scenario['events'] = [];
  const missed: Scenario['events'] = [];
  for (const e of scenario.events) {
    const atMs = scriptStartMs + e.at * 1000;
    if (reachedMs !== undefined && atMs <= reachedMs) played.push(e);
    else if (atMs < startMs) missed.push(e);
    else events.push({ ...e, at: (atMs - startMs) / 1000 });
  }
  const durationS = Math.max(1, (scriptStartMs + scenario.durationS * 1000 - startMs) / 1000);
  return { events, durationS, played, missed };
}

/** `60 s forced-open dl8-b3-u2-door`: how the progress file names a scripted incident for people reading it. */
export function incidentLabel(e: Scenario['events'][number]): string {
  return `${e.at} s ${e.do} ${e.target}`;
}
