/**
 * Swapped shifts: a one-off change to the week's roster ("Jiang Ming works Chen Gang's
 * shift on Tuesday") that leaves the rotation alone. A swap names its shift by the
 * local time it starts, as people say it, and resolves to the grid's slot here.
 */
import { gridOf, MINUTE_MS, parseClock, parseDate, slotAt, type ShiftSlot } from './shift-clock.ts';
import type { ShiftSchedule, ShiftSwap } from './types.ts';

/** 'YYYY-MM-DD HH:MM' in the schedule's local time → the slot starting then; undefined when no shift starts then. */
export function swapSlot(schedule: ShiftSchedule, shiftStart: string): ShiftSlot | undefined {
  const at = localInstant(shiftStart, schedule.utcOffsetMin);
  if (at === undefined) return undefined;
  const slot = slotAt(gridOf(schedule), at);
  return slot.startsAt === at ? slot : undefined;
}

/** Epoch ms of a local 'YYYY-MM-DD HH:MM' at a fixed UTC offset. */
export function localInstant(text: string, utcOffsetMin: number): number | undefined {
  const [date, time] = text.split(' ');
  const day = date === undefined ? undefined : parseDate(date);
  const minutes = time === undefined ? undefined : parseClock(time);
  if (day === undefined || minutes === undefined) return undefined;
  return day + (minutes - utcOffsetMin) * MINUTE_MS;
}

/** The local 'YYYY-MM-DD HH:MM' of an instant: how a swap names the shift starting then. */
export function localStartText(at: number, utcOffsetMin: number): string {
  const iso = new Date(at + utcOffsetMin * MINUTE_MS).toISOString();
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)}`;
}

/** A swap resolved to its slot, for the planner's lookups. */
export interface ResolvedSwap {
  readonly swap: ShiftSwap;
  readonly startsAt: number;
  readonly endsAt: number;
}

export function resolveSwaps(schedules: readonly ShiftSchedule[], swaps: readonly ShiftSwap[]): ResolvedSwap[] {
  return swaps.flatMap((swap) => {
    const schedule = schedules.find((s) => s.id === swap.scheduleId);
    const slot = schedule && swapSlot(schedule, swap.shiftStart);
    return slot ? [{ swap, startsAt: slot.startsAt, endsAt: slot.endsAt }] : [];
  });
}
