/**
 * One person's place in the rota at `now`: on duty or not, the shift they are on (or the
 * next one they work), for the phone page of someone with nothing dispatched. Pure: the
 * answer follows from the roster and `now`, like everything the planner says.
 */
import type { DispatchPlanner } from './planner.ts';
import type { ShiftSlot } from './shift-clock.ts';

export interface StaffShift {
  onDuty: boolean;
  /** The shift in force for them (back-to-back shifts merged, swaps applied); undefined off duty. */
  current: { startsAt: number; endsAt: number } | undefined;
  /** Their next shift after `current` (or after `now` off duty); undefined when none within the horizon. */
  next: { startsAt: number; endsAt: number } | undefined;
}

/** A rota repeats within days; two weeks covers any real one and bounds the search. */
const HORIZON_MS = 14 * 24 * 3_600_000;

export function staffShift(planner: DispatchPlanner, staffId: string, now: number): StaffShift {
  const member = planner.staff(staffId);
  if (member?.scheduleId === undefined || member.crew === undefined) return { onDuty: false, current: undefined, next: undefined };
  const { scheduleId } = member;
  const slotAt = (t: number): ShiftSlot => planner.shiftAt(t, scheduleId);
  // Their crew's shifts, less the ones swapped away, plus the ones they stand in for (a swap stays within the schedule).
  const works = (s: ShiftSlot): boolean => planner.onDuty(s.startsAt).some((m) => m.id === staffId);
  /** From a slot of the crew, the end of its run of back-to-back slots. */
  const runFrom = (first: ShiftSlot) => {
    let end = first.endsAt;
    while (end - first.startsAt < HORIZON_MS && works(slotAt(end))) end = slotAt(end).endsAt;
    return { startsAt: first.startsAt, endsAt: end };
  };
  const slot = slotAt(now);
  const current = works(slot) ? runFrom(slot) : undefined;
  let t = current ? current.endsAt : slot.endsAt;
  let next: StaffShift['next'];
  while (t - now < HORIZON_MS) {
    const s = slotAt(t);
    if (works(s)) {
      next = runFrom(s);
      break;
    }
    t = s.endsAt;
  }
  return { onDuty: current !== undefined, current, next };
}
