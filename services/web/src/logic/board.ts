/**
 * The board's choice and order of tickets: the filters the operator set, then most
 * urgent first (priority, then the least SLA time left).
 */
import { CATEGORIES, PRIORITIES } from '../../../alerting/domain/model.ts';
import { ACTIVE_STATES } from '../../../alerting/domain/tickets/states.ts';
import { TICKET_STATES } from '../../../alerting/domain/tickets/types.ts';
import type { Category, Ticket, TicketState } from '../api/types.ts';
import { slaClock } from './sla.ts';

export interface BoardFilter {
  communityId?: string;
  compoundId?: string;
  category?: Category;
  /** Empty: the active states (someone still has to act). */
  states: TicketState[];
}

export const EMPTY_FILTER: BoardFilter = { states: [] };

export function matchesFilter(t: Ticket, f: BoardFilter): boolean {
  if (f.communityId && t.subject.communityId !== f.communityId) return false;
  if (f.compoundId && t.subject.compoundId !== f.compoundId) return false;
  if (f.category && t.category !== f.category) return false;
  const states: readonly TicketState[] = f.states.length > 0 ? f.states : ACTIVE_STATES;
  return states.includes(t.state);
}

const rank = (t: Ticket) => PRIORITIES.indexOf(t.priority);

export function boardOrder(tickets: Iterable<Ticket>, f: BoardFilter, now: number): Ticket[] {
  const left = (t: Ticket) => slaClock(t, now)?.remainingMs ?? Number.POSITIVE_INFINITY;
  return [...tickets].filter((t) => matchesFilter(t, f)).sort((a, b) => rank(a) - rank(b) || left(a) - left(b) || b.updatedAt - a.updatedAt);
}

/** Filters in the URL hash survive a reload and can be shared with the next shift. */
export function filterToQuery(f: BoardFilter): string {
  const q = new URLSearchParams();
  if (f.communityId) q.set('community', f.communityId);
  if (f.compoundId) q.set('compound', f.compoundId);
  if (f.category) q.set('category', f.category);
  if (f.states.length > 0) q.set('state', f.states.join(','));
  return q.toString();
}

/** Categories and states the domain does not know (an old or edited link) are dropped. */
export function filterFromQuery(query: string): BoardFilter {
  const q = new URLSearchParams(query);
  const category = q.get('category') ?? undefined;
  const states = (q.get('state') ?? '').split(',').filter((s): s is TicketState => (TICKET_STATES as readonly string[]).includes(s));
  return {
    ...(q.get('community') ? { communityId: q.get('community')! } : {}),
    ...(q.get('compound') ? { compoundId: q.get('compound')! } : {}),
    ...(category && (CATEGORIES as readonly string[]).includes(category) ? { category: category as Category } : {}),
    states,
  };
}
