/**
 * Answers the dispatch questions of the ticket domain and the API from a
 * roster and a `now`: who is on duty, who owns a category, whom to send. It
 * keeps no state between calls (loads and last assignments are the caller's),
 * so the same question at the same `now` always gets the same answer.
 */
import { OcError } from '../../../shared/errors.ts';
import type { Category } from '../model.ts';
import { gridOf, slotAt, type ShiftGrid, type ShiftSlot } from './shift-clock.ts';
import type { PartnerDepartment, Roster, StaffMember, Team } from './types.ts';

export class DispatchPlanner {
  private readonly grids = new Map<string, ShiftGrid>();
  private readonly staffById = new Map<string, StaffMember>();
  private readonly teamsById = new Map<string, Team>();
  private readonly departmentsById = new Map<string, PartnerDepartment>();

  constructor(private readonly roster: Roster) {
    for (const s of roster.schedules) this.grids.set(s.id, gridOf(s));
    for (const m of roster.staff) this.staffById.set(m.id, m);
    for (const t of roster.teams) this.teamsById.set(t.id, t);
    for (const d of roster.departments) this.departmentsById.set(d.id, d);
  }

  /** Staff on duty at `now` (all teams or one team), in roster order. */
  onDuty(now: number, teamId?: string): StaffMember[] {
    const crewNow = new Map<string, string>();
    for (const [id, grid] of this.grids) crewNow.set(id, slotAt(grid, now).crew);
    return this.roster.staff.filter(
      (m) => (teamId === undefined || m.teamId === teamId) && m.scheduleId !== undefined && crewNow.get(m.scheduleId) === m.crew,
    );
  }

  /** Who owns a category: an internal team or a partner department. */
  teamFor(category: Category): { teamId: string } | { departmentId: string } {
    const owner = this.roster.responsibilities[category];
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
    return this.roster.staff.find((m) => m.role === 'supervisor' && m.scheduleId === scheduleId && m.crew === crew);
  }

  manager(): StaffMember {
    const m = this.staffById.get(this.roster.managerId);
    // parseRoster guarantees it; a hand-built roster may not.
    if (!m) throw new OcError('OC_CONFIG_INVALID', `managerId '${this.roster.managerId}' is not a staff member`);
    return m;
  }

  /** For the API: the shift in force and the next handover (default: the supervision schedule). */
  shiftAt(now: number, scheduleId: string = this.roster.supervision.scheduleId): ShiftSlot {
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
