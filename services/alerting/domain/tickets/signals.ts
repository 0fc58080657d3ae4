/**
 * Alert signals meet tickets. The service keeps "one open ticket per fingerprint"
 * (it holds the store and its transaction); this module decides what a signal
 * does to a given ticket:
 * - a fire on an active ticket counts, links the event and may raise priority;
 *   repeats within `stormCollapseMs` of the last 're-fired' entry are counted
 *   without their own entry (the next entry says how many were collapsed), so a
 *   chattering sensor cannot bury the timeline;
 * - a fire on a resolved ticket within the reopen window reopens it (flapping),
 *   whether it resolved itself or was resolved by staff: the fix did not hold;
 * - a clear records that the condition is gone and, for auto-resolvable types,
 *   resolves the ticket unless someone is already on site or people reported it.
 */
import type { AlertSignal } from '../model.ts';
import { peopleReported } from '../reports/tally.ts';
import { deadlinesFrom } from './deadlines.ts';
import { Draft, pushBounded } from './draft.ts';
import { msg } from './messages.ts';
import { OPERATORS, SYSTEM, raisePriority, reopen, resolve, supervisorTarget } from './ops.ts';
import { isHigherPriority, slaFor } from './policy.ts';
import { isFinal } from './states.ts';
import type { Decision, Ticket, TicketContext, TicketPolicy, TicketState } from './types.ts';

const AUTO_RESOLVABLE_FROM: readonly TicketState[] = ['open', 'acknowledged', 'dispatched'];

const invalid = (message: string, currentState: TicketState | undefined): Decision => ({
  ok: false,
  error: { code: 'OC_TICKET_INVALID_COMMAND', message, currentState },
});
const illegal = (message: string, currentState: TicketState): Decision => ({
  ok: false,
  error: { code: 'OC_TICKET_ILLEGAL_TRANSITION', message, currentState },
});

export function openFromSignal(signal: AlertSignal, ticketId: string, now: number, ctx: TicketContext): Decision {
  if (signal.action !== 'fire') return invalid('action: only a fire opens a ticket', undefined);
  const route = ctx.teamFor(signal.category);
  const base: Ticket = {
    id: ticketId,
    fingerprint: signal.fingerprint,
    alertType: signal.alertType,
    category: signal.category,
    priority: signal.priority,
    openedPriority: signal.priority,
    state: 'open',
    subject: { ...signal.subject },
    title: { ...signal.summary },
    openedAt: now,
    updatedAt: now,
    firingCount: 1,
    lastFiredAt: now,
    conditionActive: true,
    linkedEventIds: [signal.eventId],
    linkedEventCount: 1,
    route: { ...route },
    ...('teamId' in route ? { teamId: route.teamId } : {}),
    deadlines: deadlinesFrom(now, slaFor(ctx.policy, signal.category, signal.priority, signal.subject.compoundId)),
    escalation: { level: 0, announced: [] },
    milestones: {},
    passedOverStaffIds: [],
    reopenCount: 0,
    storm: { lastEntryAt: now, collapsed: 0 },
    recentCommandIds: [],
    lastSeq: 0,
    version: 0,
    ...(signal.acceptWithinMs !== undefined ? { acceptWithinMs: signal.acceptWithinMs } : {}),
  };
  const d = new Draft(base, now);
  d.entry(SYSTEM, 'opened', {
    toState: 'open',
    data: { eventId: signal.eventId, fingerprint: signal.fingerprint, priority: signal.priority, route: { ...route }, signalAt: signal.at, details: signal.details },
  });
  d.notify('ticket.opened', OPERATORS, msg.opened(d.ticket));
  // Urgent tickets reach the supervisor at once rather than after the first breach.
  if (signal.priority === 'P1') d.notify('ticket.opened', supervisorTarget(ctx, now), msg.opened(d.ticket));
  return { ok: true, ...d.finish() };
}

/** Should this fire reopen the (resolved) ticket rather than open a new one? */
export function shouldReopen(ticket: Ticket, signal: AlertSignal, now: number, policy: TicketPolicy): boolean {
  const resolvedAt = ticket.milestones.resolvedAt;
  return (
    signal.action === 'fire' &&
    signal.fingerprint === ticket.fingerprint &&
    ticket.state === 'resolved' &&
    resolvedAt !== undefined &&
    now - resolvedAt <= policy.reopenWindowMs
  );
}

export function applySignal(ticket: Ticket, signal: AlertSignal, now: number, ctx: TicketContext): Decision {
  if (signal.fingerprint !== ticket.fingerprint) {
    return invalid(`fingerprint: signal ${signal.fingerprint} does not belong to ticket ${ticket.id} (${ticket.fingerprint})`, ticket.state);
  }
  // A redelivered event changes nothing (the service de-duplicates by event id; this is the cheap local guard).
  // One observation may carry both a fire and a clear of a fingerprint (rules engine contract: de-duplicate
  // on fingerprint, action and event id), so a known id is skipped only if it would not change the condition.
  const repeatsCondition = (signal.action === 'fire') === ticket.conditionActive;
  if (repeatsCondition && ticket.linkedEventIds.includes(signal.eventId)) return { ok: true, ticket, entries: [], notifications: [] };
  return signal.action === 'fire' ? applyFire(ticket, signal, now, ctx) : applyClear(ticket, signal, now, ctx);
}

function applyFire(ticket: Ticket, signal: AlertSignal, now: number, ctx: TicketContext): Decision {
  if (isFinal(ticket.state)) return illegal(`ticket is ${ticket.state}; a new fire opens a new ticket`, ticket.state);
  const reopening = ticket.state === 'resolved';
  if (reopening && !shouldReopen(ticket, signal, now, ctx.policy)) {
    return illegal('ticket was resolved before the reopen window; a new fire opens a new ticket', ticket.state);
  }
  const d = new Draft(ticket, now);
  const t = d.ticket;
  const returned = !t.conditionActive;
  link(d, signal.eventId, ctx);
  t.firingCount += 1;
  t.lastFiredAt = now;
  t.conditionActive = true;
  delete t.conditionClearedAt;

  // Worse than it was (warning → critical → overflowing): the ticket says what it is now.
  const worsened = signal.retitle === true && (signal.alertType !== t.alertType || signal.summary.zh !== t.title.zh || signal.summary.en !== t.title.en);
  const change = worsened ? { worsened: { fromAlertType: t.alertType, fromTitle: t.title, alertType: signal.alertType, title: { ...signal.summary } } } : {};
  if (worsened) {
    t.alertType = signal.alertType;
    t.title = { ...signal.summary };
  }
  if (reopening) {
    reopen(d, SYSTEM, ctx, 'fired again within the reopen window', undefined, { eventId: signal.eventId, collapsed: t.storm.collapsed, ...change });
    t.storm = { lastEntryAt: now, collapsed: 0 };
  } else if (returned || worsened || now - t.storm.lastEntryAt >= ctx.policy.stormCollapseMs) {
    // A condition coming back or getting worse is news even inside the storm window; a repeat is news once a minute.
    d.entry(SYSTEM, 're-fired', { data: { eventId: signal.eventId, firingCount: t.firingCount, collapsed: t.storm.collapsed, ...(returned ? { conditionReturned: true } : {}), ...change } });
    t.storm = { lastEntryAt: now, collapsed: 0 };
  } else {
    t.storm.collapsed += 1;
    d.touch();
  }
  if (isHigherPriority(signal.priority, t.priority)) raisePriority(d, signal.priority, SYSTEM, ctx, 'signal', { eventId: signal.eventId });
  return { ok: true, ...d.finish() };
}

function applyClear(ticket: Ticket, signal: AlertSignal, now: number, ctx: TicketContext): Decision {
  // Nothing to say on a finished ticket; the clear belongs to its history, not to a new record.
  if (isFinal(ticket.state)) return { ok: true, ticket, entries: [], notifications: [] };
  const d = new Draft(ticket, now);
  const t = d.ticket;
  link(d, signal.eventId, ctx);
  if (!t.conditionActive) {
    d.touch(); // already cleared: the event is linked, no second entry
    return { ok: true, ...d.finish() };
  }
  t.conditionActive = false;
  t.conditionClearedAt = now;
  d.entry(SYSTEM, 'condition-cleared', { data: { eventId: signal.eventId, collapsedFirings: t.storm.collapsed, autoResolve: signal.autoResolve } });
  t.storm.collapsed = 0;
  // On site, the staff decide: they may have found more than the sensor did. And what people
  // reported a person resolves: the sensor's clear does not answer the residents who called.
  if (signal.autoResolve && AUTO_RESOLVABLE_FROM.includes(t.state) && !peopleReported(t)) resolve(d, SYSTEM, undefined, true); // data.auto says why; the desk words it in its language
  return { ok: true, ...d.finish() };
}

/**
 * A ticket whose condition cleared a while ago and stayed clear resolves itself now (the
 * outage, once its grace showed which devices came back); null when someone is on it in a
 * way the system must not overrule, people reported it, or the condition came back.
 */
export function resolveHeldClear(ticket: Ticket, now: number): Decision | null {
  if (ticket.conditionActive || !AUTO_RESOLVABLE_FROM.includes(ticket.state) || peopleReported(ticket)) return null;
  const d = new Draft(ticket, now);
  resolve(d, SYSTEM, undefined, true);
  return { ok: true, ...d.finish() };
}

function link(d: Draft, eventId: string, ctx: TicketContext): void {
  pushBounded(d.ticket.linkedEventIds, eventId, ctx.policy.linkedEventsKept);
  d.ticket.linkedEventCount += 1;
}
