/**
 * A person taken off the roster (disabled by an admin) cannot do the work they hold:
 * each of their open dispatches goes back to the desk at once, acknowledged and
 * unassigned, with a timeline entry saying why, so the desk dispatches it again.
 */
import { Draft } from './draft.ts';
import { msg } from './messages.ts';
import { OPERATORS, SYSTEM, withdrawAssignment } from './ops.ts';
import type { Decision, Ticket, TicketContext } from './types.ts';

/** States in which a person holds the ticket: dispatched to them, or on site. */
const HELD_STATES: readonly Ticket['state'][] = ['dispatched', 'on_site'];

export const isHeldBy = (t: Ticket, staffId: string): boolean =>
  HELD_STATES.includes(t.state) && t.assignment?.kind === 'staff' && t.assignment.staffId === staffId;

export function returnToDesk(ticket: Ticket, staffId: string, now: number, ctx: TicketContext, reason: string): Decision {
  if (!isHeldBy(ticket, staffId)) {
    return { ok: false, error: { code: 'OC_TICKET_INVALID_COMMAND', message: `ticket ${ticket.id} is not held by ${staffId}`, currentState: ticket.state } };
  }
  const d = new Draft(ticket, now);
  const teamId = ticket.assignment?.kind === 'staff' ? ticket.assignment.teamId : undefined;
  withdrawAssignment(d);
  d.move(SYSTEM, 'returned-to-desk', 'acknowledged', { data: { staffId, ...(teamId ? { teamId } : {}), reason } });
  d.notify('ticket.changed', OPERATORS, msg.returnedToDesk(d.ticket, ctx.nameOf?.(staffId) ?? { zh: staffId, en: staffId }));
  return { ok: true, ...d.finish() };
}
