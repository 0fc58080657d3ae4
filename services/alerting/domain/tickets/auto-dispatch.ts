/**
 * Every P1 reaches a person (issue 14). An open P1 nobody has taken is dispatched by the
 * system to the nearest qualified person on shift (the roster's teams and posts decide
 * "nearest"); when nobody qualified is on shift the ticket says so at once (an unmet duty
 * the desk sees) and the supervisor on shift is told, by name.
 */
import type { Bilingual } from '../model.ts';
import { Draft } from './draft.ts';
import { msg } from './messages.ts';
import { OPERATORS, SYSTEM, acknowledge, assignStaff, supervisorTarget } from './ops.ts';
import type { Change, Ticket, TicketContext } from './types.ts';

const nameOf = (ctx: TicketContext, id: string): Bilingual => ctx.nameOf?.(id) ?? { zh: id, en: id };

/** Whom to send: the nearest qualified on shift (the least loaded of the team where places do not decide). */
export function nearestOnShift(t: Ticket, now: number, ctx: TicketContext, exclude: readonly string[]): { staffId: string; teamId: string } | undefined {
  return ctx.chooseNearest ? ctx.chooseNearest(t.category, t.teamId, t.subject, now, exclude) : ctx.chooseAssignee(t.category, t.teamId, now, exclude);
}

/**
 * The dispatch an open, unassigned P1 gets `afterMs` after it opened (the desk's first say); null when
 * it is not one, not yet due, or its unmet duty is already on record.
 */
export function autoDispatch(ticket: Ticket, now: number, ctx: TicketContext, afterMs: number): Change | null {
  const t0 = ticket;
  const route = t0.route;
  if (t0.priority !== 'P1' || t0.state !== 'open' || t0.assignment !== undefined || !('teamId' in route)) return null;
  if (now - t0.openedAt < afterMs) return null;
  const target = nearestOnShift(t0, now, ctx, t0.passedOverStaffIds);
  const d = new Draft(ticket, now);
  const t = d.ticket;
  if (target !== undefined) {
    acknowledge(d, SYSTEM, undefined, 'auto-dispatch');
    assignStaff(d, SYSTEM, target, undefined, 'nearest qualified on shift');
    delete t.unmetDuty;
    return d.finish();
  }
  if (t0.unmetDuty !== undefined) return null;
  const teamId = t.teamId ?? route.teamId;
  const team = nameOf(ctx, teamId);
  t.unmetDuty = { since: now, teamId, reason: { zh: `${team.zh}当班无合适人员`, en: `nobody qualified of ${team.en} on shift` } };
  const supervisor = supervisorTarget(ctx, now);
  d.entry(SYSTEM, 'unmet-duty', { data: { teamId, notified: [OPERATORS, supervisor], supervisorId: 'staffId' in supervisor ? supervisor.staffId : null, supervisorName: 'staffId' in supervisor && supervisor.staffId ? nameOf(ctx, supervisor.staffId) : null } });
  d.notify('ticket.escalated', OPERATORS, msg.unmetDuty(t, team));
  d.notify('ticket.escalated', supervisor, msg.unmetDuty(t, team));
  return d.finish();
}
