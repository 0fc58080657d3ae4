/**
 * Which buttons a ticket gets for the signed-in person: the ticket domain's own state
 * table and permission rules (the same code the server runs), so the page never offers
 * what the server would refuse.
 */
import { refusal } from '../../../alerting/domain/tickets/permissions.ts';
import { COMMAND_FROM, NOTE_REQUIRED } from '../../../alerting/domain/tickets/states.ts';
import type { CommandType, Role, Ticket } from '../api/types.ts';

/** The desk's order: the next step first, the rare and final ones last. */
export const DESK_ACTION_ORDER: readonly CommandType[] = ['acknowledge', 'dispatch', 'accept', 'arrive', 'resolve', 'close', 'escalate', 'transfer', 'reopen', 'comment', 'cancel'];

export function allowedActions(ticket: Ticket, user: { staffId: string; role: Role }): CommandType[] {
  // An admin stands for someone of the office (the demo admin is the manager); the server checks with the roster's role.
  const actor = { kind: 'person', id: user.staffId, role: user.role === 'admin' ? 'manager' : user.role } as const;
  return DESK_ACTION_ORDER.filter((c) => COMMAND_FROM[c].includes(ticket.state) && refusal(ticket, actor, c) === undefined);
}

export const needsNote = (c: CommandType): boolean => NOTE_REQUIRED.includes(c);
