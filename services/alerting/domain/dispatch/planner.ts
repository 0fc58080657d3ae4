/**
 * Answers the dispatch questions of the ticket domain and the API from a
 * roster and a `now`: who is on duty, who owns a category, whom to send. It
 * keeps no state between calls (loads and last assignments are the caller's),
 * so the same question at the same `now` always gets the same answer.
 */
import { OcError } from '../../../shared/errors.ts';
import type { Category } from '../model.ts';
import { gridOf, slotAt, type ShiftGrid, type ShiftSlot } from './shift-clock.ts';
import { resolveSwaps, type ResolvedSwap } from './swaps.ts';
import type { PartnerDepartment, Roster, StaffMember, Team } from './types.ts';

export class DispatchPlanner {
  private grids = new Map<string, ShiftGrid>();
  private staffById = new Map<string, StaffMember>();
  private teamsById = new Map<string, Team>();
  private departmentsById = new Map<string, PartnerDepartment>();
  private swaps: ResolvedSwap[] = [];
  private current!: Roster;

  constructor(roster: Roster) {
    this.update(roster);
  }

  /**
   * Takes a new roster (an admin's edit, applied live from oc.config): every later
   * question is answered from it. Who holds this planner (the ticket domain, the API,
   * the notifier) sees the change at once, with nothing to restart.
   */
  update(roster: Roster): void {
    this.grids = new Map(roster.schedules.map((s) => [s.id, gridOf(s)]));
    this.staffById = new Map(roster.staff.map((m) => [m.id, m]));
    this.teamsById = new Map(roster.teams.map((t) => [t.id, t]));
    this.departmentsById = new Map(roster.departments.map((d) => [d.id, d]));
    this.swaps = resolveSwaps(roster.schedules, roster.swaps ?? []);
    this.current = roster;
  }

  /** The roster every answer comes from now. */
  get roster(): Roster {
    return this.current;
  }

  /** Staff on duty at `now` (all teams or one team), in roster order; a swapped shift's stand-in after the crew. */
  onDuty(now: number, teamId?: string): StaffMember[] {
    const crewNow = new Map<string, string>();
    for (const [id, grid] of this.grids) crewNow.set(id, slotAt(grid, now).crew);
    const swapped = this.swaps.filter((s) => s.startsAt <= now && now < s.endsAt).map((s) => s.swap);
    const off = new Set(swapped.map((s) => s.off));
    const byCrew = this.current.staff.filter((m) => m.scheduleId !== undefined && crewNow.get(m.scheduleId) === m.crew && !off.has(m.id));
    const standIns = swapped.flatMap((s) => {
      const m = this.staffById.get(s.on);
      return m && !byCrew.includes(m) ? [m] : [];
    });
    return [...byCrew, ...standIns].filter((m, i, all) => (teamId === undefined || m.teamId === teamId) && all.indexOf(m) === i);
  }

  /** Who owns a category: an internal team or a partner department. */
  teamFor(category: Category): { teamId: string } | { departmentId: string } {
    const owner = this.current.responsibilities[category];
    if (owner.team !== undefined) return { teamId: owner.team };
    return { departmentId: owner.department };
  }

  /**
   * Pick an on-duty member of the team (default: the category's team) with the
   * least current load (ties: who was assigned least recently, then id),
   * excluding some (e.g. who let the dispatch time out). undefined if nobody is
   * on duty — also when the category belongs to a partner department and no
   * team is given: departments are reached through the station, not assigned.
   * Supervisors are picked only when no one else in the team is available,
   * because they are the first escalation step; managers never.
   */
  chooseAssignee(
    category: Category,
    teamId: string | undefined,
    now: number,
    loads: ReadonlyMap<string, number>,
    exclude: ReadonlySet<string> = new Set(),
    lastAssignedAt: ReadonlyMap<string, number> = new Map(),
  ): { staffId: string; teamId: string } | undefined {
    let team = teamId;
    if (team === undefined) {
      const owner = this.teamFor(category);
      if (!('teamId' in owner)) return undefined;
      team = owner.teamId;
    }
    const available = this.onDuty(now, team).filter((m) => m.role !== 'manager' && !exclude.has(m.id));
    const workers = available.filter((m) => m.role !== 'supervisor');
    const pool = workers.length > 0 ? workers : available;
    // Never assigned sorts first: the newcomer or the one who just came on shift gets the next job.
    const last = (id: string) => lastAssignedAt.get(id) ?? Number.NEGATIVE_INFINITY;
    const best = pool.reduce<StaffMember | undefined>((b, m) => {
      if (b === undefined) return m;
      const dl = (loads.get(m.id) ?? 0) - (loads.get(b.id) ?? 0);
      if (dl !== 0) return dl < 0 ? m : b;
      if (last(m.id) !== last(b.id)) return last(m.id) < last(b.id) ? m : b;
      return m.id < b.id ? m : b;
    }, undefined);
    return best && { staffId: best.id, teamId: team };
  }

  /**
   * The nearest qualified person on shift for a ticket at `where`: among the on-duty members of
   * the team (as chooseAssignee picks them), those posted at its place, else at its building,
   * else at its compound, else all of them; then the least loaded as chooseAssignee decides.
   */
  chooseNearest(
    category: Category,
    teamId: string | undefined,
    where: { placeId?: string | undefined; buildingId?: string | undefined; compoundId: string },
    now: number,
    loads: ReadonlyMap<string, number>,
    exclude: ReadonlySet<string> = new Set(),
    lastAssignedAt: ReadonlyMap<string, number> = new Map(),
  ): { staffId: string; teamId: string } | undefined {
    const anyone = this.chooseAssignee(category, teamId, now, loads, exclude, lastAssignedAt);
    if (anyone === undefined) return undefined;
    const team = anyone.teamId;
    const candidates = this.onDuty(now, team).filter((m) => m.role !== 'manager' && !exclude.has(m.id));
    for (const spot of [where.placeId, where.buildingId, where.compoundId]) {
      if (spot === undefined) continue;
      const posted = candidates.filter((m) => m.posts?.includes(spot));
      if (posted.length === 0) continue;
      // Everyone else excluded: chooseAssignee's own order (workers before supervisors, load, last assigned) among the posted.
      const others = new Set([...exclude, ...candidates.filter((m) => !posted.includes(m)).map((m) => m.id)]);
      const best = this.chooseAssignee(category, team, now, loads, others, lastAssignedAt);
      if (best !== undefined) return best;
    }
    return anyone;
  }

  /** The shift supervisor (值班长) of the supervision schedule's crew in force; the first listed if a crew has several. */
  supervisorOnDuty(now: number): StaffMember | undefined {
    const { scheduleId, crew } = this.shiftAt(now);
    // A supervisor swapped into this shift stands in; one swapped out does not.
    return this.onDuty(now).find((m) => m.role === 'supervisor' && m.scheduleId === scheduleId && (m.crew === crew || this.standsIn(m.id, now)));
  }

  private standsIn(staffId: string, now: number): boolean {
    return this.swaps.some((s) => s.swap.on === staffId && s.startsAt <= now && now < s.endsAt);
  }

  manager(): StaffMember {
    const m = this.staffById.get(this.current.managerId);
    // parseRoster guarantees it; a hand-built roster may not.
    if (!m) throw new OcError('OC_CONFIG_INVALID', `managerId '${this.current.managerId}' is not a staff member`);
    return m;
  }

  /** For the API: the shift in force and the next handover (default: the supervision schedule). */
  shiftAt(now: number, scheduleId: string = this.current.supervision.scheduleId): ShiftSlot {
    const grid = this.grids.get(scheduleId);
    if (!grid) throw new OcError('OC_ROSTER_UNKNOWN_SCHEDULE', scheduleId);
    return slotAt(grid, now);
  }

  staff(id: string): StaffMember | undefined {
    return this.staffById.get(id);
  }

  department(id: string): PartnerDepartment | undefined {
    return this.departmentsById.get(id);
  }

  team(id: string): Team | undefined {
    return this.teamsById.get(id);
  }
}
