import type { DispatchPlanner } from './domain/dispatch/planner.ts';
import type { TicketContext, TicketPolicy } from './domain/tickets/types.ts';

/**
 * The ticket domain's view of the roster, bound to one transaction's staff
 * loads so that "least loaded" means loaded right now.
 */
export function ticketContext(
  planner: DispatchPlanner,
  policy: TicketPolicy,
  loads: ReadonlyMap<string, number>,
  lastAssignedAt: ReadonlyMap<string, number>,
): TicketContext {
  return {
    policy,
    chooseAssignee: (category, teamId, now, exclude) => planner.chooseAssignee(category, teamId, now, loads, new Set(exclude), lastAssignedAt),
    chooseNearest: (category, teamId, subject, now, exclude) => planner.chooseNearest(category, teamId, subject, now, loads, new Set(exclude), lastAssignedAt),
    teamFor: (category) => planner.teamFor(category),
    supervisorOnDuty: (now) => planner.supervisorOnDuty(now)?.id,
    managerId: planner.manager().id,
    nameOf: (id) => (planner.staff(id) ?? planner.team(id) ?? planner.department(id))?.name,
  };
}
