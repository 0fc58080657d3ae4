/**
 * What the phone shows while actions wait in its outbox: the ticket as it will be once
 * they arrive, so a tap is visibly taken even with no signal.
 */
import type { Ticket } from '../api/types.ts';
import type { PhoneAction, QueuedAction } from './action-queue.ts';

export function projectPending(ticket: Ticket, pending: readonly QueuedAction[]): Ticket {
  let t = ticket;
  for (const a of pending) {
    if (a.ticketId !== ticket.id) continue;
    if (a.action === 'accept' && t.assignment?.kind === 'staff' && t.assignment.acceptedAt === undefined) {
      t = { ...t, assignment: { ...t.assignment, acceptedAt: a.queuedAt } };
    } else if (a.action === 'arrive' && t.state === 'dispatched') {
      t = { ...t, state: 'on_site', milestones: { ...t.milestones, arrivedAt: a.queuedAt } };
    } else if (a.action === 'resolve' && (t.state === 'dispatched' || t.state === 'on_site' || t.state === 'acknowledged')) {
      t = { ...t, state: 'resolved', milestones: { ...t.milestones, resolvedAt: a.queuedAt } };
    }
  }
  return t;
}

/** The one big button a card offers: the next step of the job. */
export function nextStep(t: Ticket): PhoneAction | undefined {
  if (t.state === 'dispatched') return t.assignment?.kind === 'staff' && t.assignment.acceptedAt === undefined ? 'accept' : 'arrive';
  if (t.state === 'on_site') return 'resolve';
  return undefined;
}
