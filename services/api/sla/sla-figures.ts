/**
 * SLA figures for a time window, from the tickets' milestones and deadlines.
 * Pure: tickets and times in, numbers out. Each figure counts what happened
 * inside the window [from, to):
 *
 * - opened: tickets first opened in it;
 * - resolved: tickets resolved in it (autoResolved: of those, by themselves);
 * - breached: tickets with a deadline (acknowledge, arrive, resolve) that fell
 *   due in it and was missed — met late, or still unmet at `now`;
 * - medianAckS: seconds from opening to acknowledgement, of those acknowledged in it;
 * - medianResolveS: seconds from opening to resolution, of those a person resolved in it
 *   (self-resolving alerts would flatter the figure).
 */
import { ACTIVE_STATES, type Ticket } from '../../alerting/domain/tickets/index.ts';

export interface SlaFigures {
  opened: number;
  resolved: number;
  autoResolved: number;
  breached: number;
  /** null when nothing was acknowledged / resolved in the window. */
  medianAckS: number | null;
  medianResolveS: number | null;
}

export type SlaTicket = Pick<Ticket, 'openedAt' | 'state' | 'deadlines' | 'milestones'>;

export function slaFigures(tickets: readonly SlaTicket[], from: number, to: number, now: number): SlaFigures {
  const within = (t: number | undefined): t is number => t !== undefined && t >= from && t < to;
  const acked = tickets.filter((t) => within(t.milestones.acknowledgedAt));
  const resolved = tickets.filter((t) => within(t.milestones.resolvedAt));
  const byPerson = resolved.filter((t) => !t.milestones.autoResolved);
  return {
    opened: tickets.filter((t) => within(t.openedAt)).length,
    resolved: resolved.length,
    autoResolved: resolved.length - byPerson.length,
    breached: tickets.filter((t) => missedDeadlines(t, now).some(within)).length,
    medianAckS: median(acked.map((t) => t.milestones.acknowledgedAt! - t.openedAt)),
    medianResolveS: median(byPerson.map((t) => t.milestones.resolvedAt! - t.openedAt)),
  };
}

/**
 * The deadlines (epoch ms) a ticket missed, as of `now`: met late, or never met
 * while still owed at the deadline. A milestone stops being owed when the ticket
 * is cancelled or resolved (an unacknowledged alert that cleared by itself after
 * its acknowledge deadline was still missed, as the escalation said at the time).
 */
export function missedDeadlines(t: SlaTicket, now: number): number[] {
  const { acknowledgedAt, arrivedAt, resolvedAt, cancelledAt } = t.milestones;
  const stillOwedUntil = ACTIVE_STATES.includes(t.state) ? now : undefined;
  const late = (met: number | undefined, due: number, owedUntil: number | undefined) =>
    met !== undefined ? met > due : owedUntil !== undefined && owedUntil >= due;
  const missed: number[] = [];
  if (late(acknowledgedAt, t.deadlines.acknowledgeBy, cancelledAt ?? resolvedAt ?? stillOwedUntil)) missed.push(t.deadlines.acknowledgeBy);
  if (late(arrivedAt, t.deadlines.arriveBy, cancelledAt ?? resolvedAt ?? stillOwedUntil)) missed.push(t.deadlines.arriveBy);
  if (late(resolvedAt, t.deadlines.resolveBy, cancelledAt ?? stillOwedUntil)) missed.push(t.deadlines.resolveBy);
  return missed;
}

/** Median in whole seconds. */
export function median(ms: readonly number[]): number | null {
  if (ms.length === 0) return null;
  const sorted = [...ms].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  const value = sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
  return Math.round(value / 1000);
}
