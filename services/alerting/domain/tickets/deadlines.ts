/**
 * Deadlines and what is late. Deadline policy:
 * - at open and at reopen: all three run from that moment at the current priority
 *   (a reopen is a new incident for the resident: the fix did not hold);
 * - on a priority raise: each deadline not yet met becomes the earlier of itself and
 *   `raise time + the new target`, so a raise never extends a deadline and never
 *   makes one late retroactively;
 * - on a transfer: unchanged (the resident's clock does not restart because we
 *   handed the job to someone else).
 */
import { BEFORE_ARRIVAL, isActive } from './states.ts';
import type { BreachKind, Deadlines, SlaTargets, Ticket } from './types.ts';

/** Nobody has been on site yet (a transfer away from on_site does not make the first arrival late). */
export const awaitingArrival = (t: Ticket): boolean => BEFORE_ARRIVAL.includes(t.state) && t.milestones.arrivedAt === undefined;

export const deadlinesFrom = (start: number, sla: SlaTargets): Deadlines => ({
  acknowledgeBy: start + sla.acknowledgeMs,
  arriveBy: start + sla.arriveMs,
  resolveBy: start + sla.resolveMs,
});

export function tightenedDeadlines(ticket: Ticket, now: number, sla: SlaTargets): Deadlines {
  const d = ticket.deadlines;
  return {
    acknowledgeBy: ticket.state === 'open' ? Math.min(d.acknowledgeBy, now + sla.acknowledgeMs) : d.acknowledgeBy,
    arriveBy: awaitingArrival(ticket) ? Math.min(d.arriveBy, now + sla.arriveMs) : d.arriveBy,
    resolveBy: isActive(ticket.state) ? Math.min(d.resolveBy, now + sla.resolveMs) : d.resolveBy,
  };
}

/** Breaches that nobody has acted on yet at `now` (whether or not already announced). */
export function outstandingBreaches(ticket: Ticket, now: number): BreachKind[] {
  const out: BreachKind[] = [];
  const { state, deadlines: d, assignment: a } = ticket;
  if (state === 'open' && now >= d.acknowledgeBy) out.push('acknowledge');
  if (state === 'dispatched' && a?.kind === 'staff' && a.acceptedAt === undefined && a.acceptTimedOutAt !== undefined) out.push('accept');
  if (awaitingArrival(ticket) && now >= d.arriveBy) out.push('arrive');
  if (isActive(state) && now >= d.resolveBy) out.push('resolve');
  return out;
}
