/**
 * Time-driven changes: accept timeouts, SLA breaches, escalation and reminders.
 * The service calls `evaluateTimers` at `nextTimerAt` (or on a coarse tick; calling
 * early is harmless and returns null). One call takes at most one escalation step,
 * so a service that was down for hours does not fire a burst of pages at once.
 *
 * Escalation policy (what Alertmanager/PagerDuty users ask for):
 * - a newly missed deadline escalates one level: 1 pages the shift supervisor,
 *   2 also the property manager and raises priority one step (never past P1);
 * - still unacted `escalateToManagerAfterMs` after level 1 → level 2;
 * - then a reminder every `reminderEveryMs` to everyone at the level, for as long
 *   as something is late: escalations never silently stop;
 * - acting on the late thing (acknowledge, accept, arrive, resolve) stops that
 *   breach's reminders; paging after acknowledge happens only when a later
 *   deadline is newly missed.
 * Every escalation and reminder is a timeline entry listing who was notified.
 */
import { awaitingArrival, outstandingBreaches } from './deadlines.ts';
import { Draft, pushBounded } from './draft.ts';
import { nearestOnShift } from './auto-dispatch.ts';
import { msg } from './messages.ts';
import { SYSTEM, assignStaff, escalate, remind, supervisorTarget } from './ops.ts';
import { isActive } from './states.ts';
import type { Change, EscalationLevel, Ticket, TicketContext, TicketPolicy } from './types.ts';

export function evaluateTimers(ticket: Ticket, now: number, ctx: TicketContext): Change | null {
  if (!isActive(ticket.state)) return null;
  const d = new Draft(ticket, now);
  const t = d.ticket;
  handleAcceptTimeout(d, ctx);

  const e = t.escalation;
  const outstanding = outstandingBreaches(t, now);
  const fresh = outstanding.filter((k) => !e.announced.includes(k));
  if (fresh.length > 0) {
    e.announced.push(...fresh);
    escalate(d, SYSTEM, ctx, Math.min(e.level + 1, 2) as EscalationLevel, fresh, 'deadline missed');
  } else if (outstanding.length > 0) {
    if (e.level === 1 && now >= (e.levelSince ?? now) + ctx.policy.escalateToManagerAfterMs) {
      escalate(d, SYSTEM, ctx, 2, outstanding, 'still unacted');
    } else if (e.nextReminderAt === undefined || now >= e.nextReminderAt) {
      remind(d, ctx, outstanding);
    }
  }
  const change = d.finish();
  return change.ticket === ticket ? null : change;
}

/**
 * The dispatched staff did not accept in time: offer it to another on-duty member
 * of the same team; if there is nobody, keep the assignment (they may still accept)
 * and mark the accept breach, which the escalation above then announces.
 */
function handleAcceptTimeout(d: Draft, ctx: TicketContext): void {
  const t = d.ticket;
  const a = t.assignment;
  if (t.state !== 'dispatched' || a?.kind !== 'staff' || a.acceptedAt !== undefined || a.acceptTimedOutAt !== undefined) return;
  const timeoutMs = acceptTimeoutOf(t, ctx.policy);
  if (d.now < a.dispatchedAt + timeoutMs) return;
  if (!t.passedOverStaffIds.includes(a.staffId)) pushBounded(t.passedOverStaffIds, a.staffId, ctx.policy.passedOverKept);
  const next = nearestOnShift(t, d.now, ctx, [...t.passedOverStaffIds]);
  // A P1 not accepted in time also goes to the supervisor on shift, named from the roster at this moment.
  const supervisor = t.priority === 'P1' ? supervisorTarget(ctx, d.now) : undefined;
  const name = (id: string | undefined) => (id === undefined ? null : (ctx.nameOf?.(id) ?? { zh: id, en: id }));
  d.entry(SYSTEM, 'accept-timeout', {
    data: {
      staffId: a.staffId,
      staffName: name(a.staffId),
      dispatchedAt: a.dispatchedAt,
      timeoutMs,
      redispatchedTo: next?.staffId ?? null,
      redispatchedToName: name(next?.staffId),
      ...(supervisor ? { supervisorId: 'staffId' in supervisor ? (supervisor.staffId ?? null) : null, supervisorName: name('staffId' in supervisor ? supervisor.staffId : undefined) } : {}),
    },
  });
  if (supervisor) d.notify('ticket.escalated', supervisor, msg.notAccepted(t, name(a.staffId)!, name(next?.staffId) ?? undefined));
  if (next !== undefined) assignStaff(d, SYSTEM, next, undefined, 'accept timeout');
  else a.acceptTimedOutAt = d.now;
}

/** The rule's accept deadline where it set one, else the policy's. */
export const acceptTimeoutOf = (t: Ticket, policy: TicketPolicy): number => t.acceptWithinMs ?? policy.acceptTimeoutMs;

/** The earliest moment at which evaluateTimers may change the ticket; undefined when no timer runs. */
export function nextTimerAt(ticket: Ticket, now: number, policy: TicketPolicy): number | undefined {
  const t = ticket;
  if (!isActive(t.state)) return undefined;
  const e = t.escalation;
  const pending = (k: (typeof e.announced)[number]): boolean => !e.announced.includes(k);
  const at: number[] = [];
  if (t.state === 'open' && pending('acknowledge')) at.push(t.deadlines.acknowledgeBy);
  if (awaitingArrival(t) && pending('arrive')) at.push(t.deadlines.arriveBy);
  if (pending('resolve')) at.push(t.deadlines.resolveBy);
  const a = t.assignment;
  if (t.state === 'dispatched' && a?.kind === 'staff' && a.acceptedAt === undefined && a.acceptTimedOutAt === undefined) {
    at.push(a.dispatchedAt + acceptTimeoutOf(t, policy));
  }
  if (outstandingBreaches(t, now).length > 0) {
    at.push(e.nextReminderAt ?? now);
    if (e.level === 1) at.push((e.levelSince ?? now) + policy.escalateToManagerAfterMs);
  }
  return at.length === 0 ? undefined : Math.min(...at);
}
