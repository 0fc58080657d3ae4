/**
 * Cross-reference checks zod cannot express field by field. Each issue carries
 * the path of the key at fault, e.g. `staff.4.crew`, so the person editing the
 * YAML knows where to look.
 */
import type { z } from 'zod';
import { CATEGORIES, type Category } from '../model.ts';
import { findCoverageGaps } from './coverage.ts';
import { swapSlot } from './swaps.ts';
import type { Responsibility, Roster, ShiftSchedule, ShiftSwap, StaffMember, Team } from './types.ts';

type Path = (string | number)[];

/** The schema's output before the matrix is known to be complete. */
export type RosterDraft = Omit<Roster, 'responsibilities'> & {
  readonly responsibilities: Readonly<Record<string, { team?: string | undefined; department?: string | undefined }>>;
};

export function checkRoster(r: RosterDraft, ctx: z.RefinementCtx, options: { coverage: boolean } = { coverage: true }): void {
  let problems = 0;
  const add = (path: Path, message: string) => {
    problems++;
    ctx.addIssue({ code: 'custom', path, message });
  };

  const teams = uniqueIds(r.teams, 'teams', add);
  const departments = uniqueIds(r.departments, 'departments', add);
  const schedules = uniqueIds(r.schedules, 'schedules', add);
  const staff = uniqueIds(r.staff, 'staff', add);

  r.schedules.forEach((s, si) => checkSchedule(s, ['schedules', si], add));
  r.staff.forEach((m, mi) => checkStaff(m, ['staff', mi], teams, schedules, add));
  checkMatrix(r, teams, departments, add);

  const sup = schedules.get(r.supervision.scheduleId);
  if (!sup) add(['supervision', 'scheduleId'], `unknown schedule '${r.supervision.scheduleId}'`);
  else {
    // Escalation goes to "the shift supervisor": there must be one in every shift of this schedule.
    for (const c of sup.crews) {
      if (!r.staff.some((m) => m.role === 'supervisor' && m.scheduleId === sup.id && m.crew === c.id)) {
        add(['supervision', 'scheduleId'], `crew '${c.id}' of schedule '${sup.id}' has no staff member with role supervisor`);
      }
    }
  }

  const manager = staff.get(r.managerId);
  if (!manager) add(['managerId'], `unknown staff member '${r.managerId}'`);
  else if (manager.role !== 'manager') add(['managerId'], `'${r.managerId}' has role '${manager.role}', not manager`);

  r.swaps?.forEach((swap, i) => checkSwap(r, swap, ['swaps', i], schedules, staff, add));

  // Coverage is only meaningful once every reference resolves; otherwise it would repeat the errors above.
  if (problems === 0 && options.coverage) {
    for (const gap of findCoverageGaps(r)) {
      const ti = r.teams.findIndex((t) => t.id === gap.teamId);
      add(['teams', ti, 'coverage'], `team '${gap.teamId}' is 24h but nobody is on duty from ${gap.local}`);
    }
  }
}

/** A swap names a real shift of its schedule, someone on it who stays home and a teammate who is not on it. */
function checkSwap(
  r: RosterDraft,
  swap: ShiftSwap,
  base: Path,
  schedules: ReadonlyMap<string, ShiftSchedule>,
  staff: ReadonlyMap<string, StaffMember>,
  add: (p: Path, m: string) => void,
): void {
  const schedule = schedules.get(swap.scheduleId);
  if (!schedule) return add([...base, 'scheduleId'], `unknown schedule '${swap.scheduleId}'`);
  const slot = swapSlot(schedule, swap.shiftStart);
  if (!slot) return add([...base, 'shiftStart'], `is not the start of a shift of schedule '${schedule.id}' (shifts start at ${schedule.handover} every ${schedule.shiftHours} h)`);
  const off = staff.get(swap.off);
  const on = staff.get(swap.on);
  if (!off) add([...base, 'off'], `unknown staff member '${swap.off}'`);
  else if (off.scheduleId !== schedule.id || off.crew !== slot.crew) add([...base, 'off'], `'${swap.off}' does not work this shift (crew '${slot.crew}')`);
  if (!on) add([...base, 'on'], `unknown staff member '${swap.on}'`);
  else if (on.role === 'manager') add([...base, 'on'], `'${swap.on}' is the manager, who is never on a shift`);
  else if (off && on.teamId !== off.teamId) add([...base, 'on'], `'${swap.on}' is in team '${on.teamId}', not '${off.teamId}'`);
  else if (on.scheduleId !== schedule.id) add([...base, 'on'], `'${swap.on}' is not on schedule '${schedule.id}'; a swap is between crews of one schedule`);
  else if (on.crew === slot.crew) add([...base, 'on'], `'${swap.on}' already works this shift`);
  const twice = (r.swaps ?? []).findIndex((s) => s.scheduleId === swap.scheduleId && s.shiftStart === swap.shiftStart && s.off === swap.off);
  if (twice >= 0 && twice !== Number(base[1])) add([...base, 'off'], `'${swap.off}' is already swapped out of this shift (swaps.${twice})`);
}

function uniqueIds<T extends { id: string }>(items: readonly T[], key: string, add: (p: Path, m: string) => void): Map<string, T> {
  const byId = new Map<string, T>();
  items.forEach((item, i) => {
    if (byId.has(item.id)) add([key, i, 'id'], `duplicate id '${item.id}'`);
    else byId.set(item.id, item);
  });
  return byId;
}

function checkSchedule(s: ShiftSchedule, base: Path, add: (p: Path, m: string) => void): void {
  const crews = uniqueIds(s.crews, 'crews', (p, m) => add([...base, ...p], m));
  s.rotation.forEach((c, i) => {
    if (!crews.has(c)) add([...base, 'rotation', i], `unknown crew '${c}'`);
  });
  // A crew missing from the rotation never works: its people would silently never be on duty.
  s.crews.forEach((c, i) => {
    if (!s.rotation.includes(c.id)) add([...base, 'crews', i, 'id'], `crew '${c.id}' never appears in the rotation`);
  });
}

function checkStaff(
  m: StaffMember,
  base: Path,
  teams: ReadonlyMap<string, Team>,
  schedules: ReadonlyMap<string, ShiftSchedule>,
  add: (p: Path, m: string) => void,
): void {
  if (!teams.has(m.teamId)) add([...base, 'teamId'], `unknown team '${m.teamId}'`);
  if (m.scheduleId === undefined || m.crew === undefined) {
    if (m.role !== 'manager') add([...base, m.scheduleId === undefined ? 'scheduleId' : 'crew'], `is required for role '${m.role}'`);
    if (m.scheduleId === undefined && m.crew !== undefined) add([...base, 'scheduleId'], 'is required with crew');
    return;
  }
  const s = schedules.get(m.scheduleId);
  if (!s) add([...base, 'scheduleId'], `unknown schedule '${m.scheduleId}'`);
  else if (!s.crews.some((c) => c.id === m.crew)) add([...base, 'crew'], `crew '${m.crew}' is not in schedule '${s.id}'`);
}

function checkMatrix(r: RosterDraft, teams: ReadonlyMap<string, Team>, departments: ReadonlyMap<string, unknown>, add: (p: Path, m: string) => void): void {
  const known: readonly string[] = CATEGORIES;
  for (const key of Object.keys(r.responsibilities)) {
    if (!known.includes(key)) add(['responsibilities', key], `unknown category '${key}'; the categories are ${CATEGORIES.join(', ')}`);
  }
  for (const category of CATEGORIES) {
    const owner = r.responsibilities[category];
    const path = ['responsibilities', category];
    if (!owner) {
      add(path, `category '${category}' has no owner: map it to { team } or { department }`);
      continue;
    }
    if (owner.team !== undefined) {
      const t = teams.get(owner.team);
      if (!t) add([...path, 'team'], `unknown team '${owner.team}'`);
      else if (t.coverage !== '24h') add([...path, 'team'], `team '${t.id}' is not staffed around the clock (coverage: ${t.coverage})`);
    }
    if (owner.department !== undefined && !departments.has(owner.department)) add([...path, 'department'], `unknown department '${owner.department}'`);
  }
}

/** After checkRoster passed: the matrix is complete and every owner is exactly one of team or department. */
export const completeMatrix = (m: RosterDraft['responsibilities']): Record<Category, Responsibility> =>
  m as Record<Category, Responsibility>;
