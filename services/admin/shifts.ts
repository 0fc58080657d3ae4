/**
 * Shifts and the week's roster edited live (issue 17): a schedule's shift pattern (handover,
 * length, crews, rotation) and one-off swaps of a shift between two teammates. Pure, on the
 * stored roster; validated by the roster parser, so a gap in a 24h team's cover comes back
 * as a warning and everything else the file would refuse is refused with its key.
 */
import type { CoverageWarning } from '../alerting/domain/dispatch/parse-roster.ts';
import { gridOf, slotAt } from '../alerting/domain/dispatch/shift-clock.ts';
import { resolveSwaps, localStartText } from '../alerting/domain/dispatch/swaps.ts';
import type { Roster, ShiftSwap } from '../alerting/domain/dispatch/types.ts';
import type { Bilingual } from '../alerting/domain/model.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { effectiveRoster, type StoredRoster } from './stored-roster.ts';

export interface SchedulePatch {
  name?: Bilingual;
  shiftHours?: number;
  handover?: string;
  crews?: { id: string; name: Bilingual }[];
  rotation?: string[];
}

type StoredSchedule = { id: string; [key: string]: unknown };

export function withSchedulePatch(stored: StoredRoster, scheduleId: string, patch: SchedulePatch): { roster: StoredRoster; warnings: CoverageWarning[] } {
  const schedules = (stored.schedules as StoredSchedule[] | undefined) ?? [];
  const index = schedules.findIndex((s) => s.id === scheduleId);
  if (index < 0) throw new OcError('OC_ROSTER_UNKNOWN_SCHEDULE', `no shift schedule ${scheduleId}; the schedules are ${schedules.map((s) => s.id).join(', ')}`, { field: 'id' });
  const next = { ...schedules[index]!, ...withoutUndefined(patch) };
  return checked({ ...stored, schedules: schedules.map((s, i) => (i === index ? next : s)) }, `schedules.${index}.`);
}

/** One more swapped shift; `shiftStart` may be given as the local 'YYYY-MM-DD HH:MM' or found from an instant in the shift. */
export function withSwap(stored: StoredRoster, swap: ShiftSwap): { roster: StoredRoster; warnings: CoverageWarning[] } {
  const swaps = (stored.swaps as ShiftSwap[] | undefined) ?? [];
  return checked({ ...stored, swaps: [...swaps, swap] }, `swaps.${swaps.length}.`);
}

/** The roster without one swap (undone); by its position in the list. */
export function withoutSwap(stored: StoredRoster, index: number): { roster: StoredRoster; warnings: CoverageWarning[] } {
  const swaps = (stored.swaps as ShiftSwap[] | undefined) ?? [];
  if (!Number.isInteger(index) || index < 0 || index >= swaps.length) throw new OcError('OC_ROSTER_INVALID', `no swap ${index}; there are ${swaps.length}`, { field: 'index' });
  const rest = swaps.filter((_, i) => i !== index);
  const { swaps: _, ...without } = stored;
  return checked(rest.length > 0 ? { ...stored, swaps: rest } : (without as StoredRoster), '');
}

function checked(next: StoredRoster, prefix: string): { roster: StoredRoster; warnings: CoverageWarning[] } {
  try {
    return { roster: next, warnings: effectiveRoster(next, 'roster').warnings };
  } catch (err) {
    if (!isOcError(err, 'OC_CONFIG_INVALID')) throw err;
    const keys = (err.details?.keys as string[] | undefined) ?? [];
    const own = keys.find((k) => k.startsWith(prefix));
    throw new OcError('OC_ROSTER_INVALID', err.message.replace(/^configuration is invalid: /, ''), { keys, field: own ? own.slice(prefix.length) : keys[0] });
  }
}

export interface WeekShift {
  scheduleId: string;
  crew: string;
  startsAt: number;
  endsAt: number;
  /** The local start, as a swap names it. */
  shiftStart: string;
  /** Who works it: the crew, with swaps applied. */
  staff: { id: string; name: Bilingual; teamId: string; swappedIn: boolean }[];
  swappedOut: string[];
}

/** Every shift of every schedule that overlaps [from, from + days), with who works it: the week's roster. */
export function weekRoster(roster: Roster, from: number, days = 7): WeekShift[] {
  const until = from + days * 24 * 3_600_000;
  const swaps = resolveSwaps(roster.schedules, roster.swaps ?? []);
  const out: WeekShift[] = [];
  for (const schedule of roster.schedules) {
    const grid = gridOf(schedule);
    for (let start = slotAt(grid, from).startsAt; start < until; start += grid.slotMs) {
      const crew = slotAt(grid, start).crew;
      const here = swaps.filter((s) => s.swap.scheduleId === schedule.id && s.startsAt === start).map((s) => s.swap);
      const off = new Set(here.map((s) => s.off));
      const crewStaff = roster.staff.filter((m) => m.scheduleId === schedule.id && m.crew === crew && !off.has(m.id));
      const standIns = here.flatMap((s) => roster.staff.filter((m) => m.id === s.on));
      out.push({
        scheduleId: schedule.id,
        crew,
        startsAt: start,
        endsAt: start + grid.slotMs,
        shiftStart: localStartText(start, schedule.utcOffsetMin),
        staff: [...crewStaff.map((m) => ({ id: m.id, name: m.name, teamId: m.teamId, swappedIn: false })), ...standIns.map((m) => ({ id: m.id, name: m.name, teamId: m.teamId, swappedIn: true }))],
        swappedOut: [...off],
      });
    }
  }
  return out.sort((a, b) => a.startsAt - b.startsAt || a.scheduleId.localeCompare(b.scheduleId));
}

function withoutUndefined<T extends object>(x: T): Partial<T> {
  return Object.fromEntries(Object.entries(x).filter(([, v]) => v !== undefined)) as Partial<T>;
}
