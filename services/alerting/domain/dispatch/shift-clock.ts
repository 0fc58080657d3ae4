/**
 * Shift arithmetic on epoch milliseconds. A schedule is a fixed grid of
 * back-to-back shifts from its epoch, so the crew in force is one division away:
 * no calendars, no timers, and any `now` (past or future) can be asked about,
 * which is what lets the tests travel in time.
 */
import type { ShiftSchedule } from './types.ts';

export const MINUTE_MS = 60_000;
export const HOUR_MS = 60 * MINUTE_MS;

const CLOCK = /^([01]\d|2[0-3]):([0-5]\d)$/;
const DATE = /^(\d{4})-(\d{2})-(\d{2})$/;

/** "HH:MM" (00:00..23:59) -> minutes after local midnight; undefined when malformed. */
export function parseClock(text: string): number | undefined {
  const m = CLOCK.exec(text);
  return m ? Number(m[1]) * 60 + Number(m[2]) : undefined;
}

/** "YYYY-MM-DD" -> ms of that date's midnight as if it were UTC; undefined unless a real calendar date. */
export function parseDate(text: string): number | undefined {
  const m = DATE.exec(text);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  // Date.UTC rolls 2024-02-30 over to March; a round trip catches it.
  const back = new Date(ms);
  return back.getUTCFullYear() === y && back.getUTCMonth() === mo - 1 && back.getUTCDate() === d ? ms : undefined;
}

/** What the planner keeps per schedule, precomputed once. */
export interface ShiftGrid {
  readonly scheduleId: string;
  /** Epoch ms at which rotation[0] starts. */
  readonly origin: number;
  readonly slotMs: number;
  readonly rotation: readonly string[];
}

export function gridOf(s: ShiftSchedule): ShiftGrid {
  const day = parseDate(s.epoch);
  const handover = parseClock(s.handover);
  // parseRoster has rejected both already; this guards hand-built rosters.
  if (day === undefined || handover === undefined) throw new RangeError(`schedule ${s.id}: bad epoch '${s.epoch}' or handover '${s.handover}'`);
  return {
    scheduleId: s.id,
    origin: day + (handover - s.utcOffsetMin) * MINUTE_MS,
    slotMs: s.shiftHours * HOUR_MS,
    rotation: s.rotation,
  };
}

export interface ShiftSlot {
  scheduleId: string;
  crew: string;
  /** Epoch ms, inclusive. */
  startsAt: number;
  /** Epoch ms, exclusive: the next handover. */
  endsAt: number;
}

/** The shift in force at `now`. A handover instant belongs to the incoming crew. */
export function slotAt(grid: ShiftGrid, now: number): ShiftSlot {
  if (!Number.isFinite(now)) throw new RangeError(`not a time: ${now}`);
  // floor, not trunc: instants before the epoch belong to earlier shifts of the same cycle.
  const index = Math.floor((now - grid.origin) / grid.slotMs);
  const n = grid.rotation.length;
  const crew = grid.rotation[((index % n) + n) % n]!;
  const startsAt = grid.origin + index * grid.slotMs;
  return { scheduleId: grid.scheduleId, crew, startsAt, endsAt: startsAt + grid.slotMs };
}
