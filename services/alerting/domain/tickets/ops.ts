/**
 * Operations shared by commands, signals and timers. Each works on a Draft and
 * records what it did, so no path can change a ticket without a timeline entry.
 */
import { deadlinesFrom, outstandingBreaches, tightenedDeadlines } from './deadlines.ts';
import type { Draft } from './draft.ts';
import { msg } from './messages.ts';
import { isHigherPriority, raisedPriority, slaFor } from './policy.ts';
import type { Actor, Assignment, BreachKind, EscalationLevel, NotificationTarget, TicketContext } from './types.ts';
import type { Bilingual, Priority } from '../model.ts';

export const SYSTEM: Actor = { kind: 'system' };
export const OPERATORS: NotificationTarget = { role: 'operator' };

export function supervisorTarget(ctx: TicketContext, now: number): NotificationTarget {
  const staffId = ctx.supervisorOnDuty(now);
  // Nobody on the roster right now: notify the role anyway; the notifier broadcasts it. Never drop it.
  return staffId === undefined ? { role: 'supervisor' } : { role: 'supervisor', staffId };
}

/**
 * The people a list of targets reaches, by name: an escalation names who was paged. A role with
 * nobody on the roster right now reads as that (the entry then shows an unmet duty, not a role).
 */
export function namesOf(targets: readonly NotificationTarget[], ctx: TicketContext): Bilingual[] {
  return targets.map((to) => {
    const id = 'staffId' in to ? to.staffId : 'departmentId' in to ? to.departmentId : undefined;
    if (id === undefined) return { zh: '当班无人', en: 'nobody on shift' };
    return ctx.nameOf?.(id) ?? { zh: id, en: id };
  });
}

export const managerTarget = (ctx: TicketContext): NotificationTarget => ({ role: 'manager', staffId: ctx.managerId });

/** Who is paged at an escalation level: the supervisor from level 1, the manager too at level 2. */
export function escalationTargets(level: EscalationLevel, ctx: TicketContext, now: number): NotificationTarget[] {
  if (level === 0) return [];
  return level === 1 ? [supervisorTarget(ctx, now)] : [supervisorTarget(ctx, now), managerTarget(ctx)];
}

export const assigneeTarget = (a: Assignment): NotificationTarget =>
  a.kind === 'staff' ? { staffId: a.staffId } : { departmentId: a.departmentId };

export const describeAssignment = (a: Assignment | undefined): Record<string, string> | undefined =>
  a === undefined ? undefined : a.kind === 'staff' ? { staffId: a.staffId, teamId: a.teamId } : { departmentId: a.departmentId };

/** Clears the assignment and tells whoever had it to stand down. */
export function withdrawAssignment(d: Draft): Assignment | undefined {
  const prev = d.ticket.assignment;
  if (prev !== undefined) {
    d.notify('ticket.withdrawn', assigneeTarget(prev), msg.withdrawn(d.ticket));
    delete d.ticket.assignment;
  }
  return prev;
}

export function raisePriority(d: Draft, to: Priority, actor: Actor, ctx: TicketContext, reason: string, data: Record<string, unknown> = {}): void {
  const t = d.ticket;
  const from = t.priority;
  if (!isHigherPriority(to, from)) return;
  t.priority = to;
  t.deadlines = tightenedDeadlines(t, d.now, slaFor(ctx.policy, t.category, to, t.subject.compoundId));
  d.entry(actor, 'priority-raised', { data: { from, to, reason, deadlines: { ...t.deadlines }, ...data } });
  d.notify('ticket.changed', OPERATORS, msg.priorityRaised(t, from));
  if (t.assignment !== undefined && t.state !== 'resolved') d.notify('ticket.changed', assigneeTarget(t.assignment), msg.priorityRaised(t, from));
}

/** open → acknowledged; `impliedBy` when another command (dispatch, transfer) stands for it. */
export function acknowledge(d: Draft, actor: Actor, note: string | undefined, impliedBy?: string): void {
  d.move(actor, 'acknowledged', 'acknowledged', impliedBy === undefined ? { note } : { data: { impliedBy } });
  d.ticket.milestones.acknowledgedAt = d.now;
}

export function assignStaff(d: Draft, actor: Actor, to: { staffId: string; teamId: string }, note: string | undefined, reason: string): void {
  const t = d.ticket;
  const action = t.state === 'dispatched' ? 'redispatched' : 'dispatched';
  const previous = describeAssignment(withdrawAssignment(d));
  t.assignment = { kind: 'staff', staffId: to.staffId, teamId: to.teamId, dispatchedAt: d.now };
  t.teamId = to.teamId;
  // Someone has it now: the duty is met.
  delete t.unmetDuty;
  // A new assignee gets a fresh accept clock; an old accept breach is no longer theirs.
  t.escalation.announced = t.escalation.announced.filter((k) => k !== 'accept');
  d.move(actor, action, 'dispatched', { note, data: { staffId: to.staffId, teamId: to.teamId, reason, ...(previous ? { previous } : {}) } });
  d.notify('ticket.dispatched', { staffId: to.staffId }, msg.dispatched(t));
}

export function resolve(d: Draft, actor: Actor, note: string | undefined, auto: boolean): void {
  const t = d.ticket;
  d.move(actor, 'resolved', 'resolved', auto ? { note, data: { auto: true } } : { note });
  t.milestones.resolvedAt = d.now;
  t.milestones.autoResolved = auto;
  d.notify('ticket.resolved', OPERATORS, msg.resolved(t, auto));
  // Someone on the way (or the department) must hear it is done, unless they did it themselves.
  const a = t.assignment;
  const byAssignee = a?.kind === 'staff' && actor.kind === 'person' && actor.id === a.staffId;
  if (a !== undefined && !byAssignee) d.notify('ticket.resolved', assigneeTarget(a), msg.resolved(t, auto));
}

export function reopen(d: Draft, actor: Actor, ctx: TicketContext, reason: string, note: string | undefined, extra: Record<string, unknown> = {}): void {
  const t = d.ticket;
  const resolvedAt = t.milestones.resolvedAt;
  const previous = describeAssignment(t.assignment);
  // Back to open: nobody is on it until the desk acts again.
  delete t.assignment;
  t.deadlines = deadlinesFrom(d.now, slaFor(ctx.policy, t.category, t.priority, t.subject.compoundId));
  t.escalation = { level: 0, announced: [] };
  t.milestones = {};
  t.reopenCount += 1;
  d.move(actor, 'reopened', 'open', { note, data: { reason, resolvedAt, ...(previous ? { previousAssignee: previous } : {}), ...extra } });
  d.notify('ticket.reopened', OPERATORS, msg.reopened(t));
}

export function escalate(
  d: Draft,
  actor: Actor,
  ctx: TicketContext,
  level: EscalationLevel,
  breaches: readonly BreachKind[],
  reason: string,
  note?: string,
): void {
  const t = d.ticket;
  const e = t.escalation;
  const fromLevel = e.level;
  e.level = level;
  e.levelSince = d.now;
  e.lastNotifiedAt = d.now;
  const targets = escalationTargets(level, ctx, d.now);
  d.entry(actor, 'escalated', { note, data: { fromLevel, level, breaches: [...breaches], reason, notified: targets, notifiedNames: namesOf(targets, ctx) } });
  for (const to of targets) d.notify('ticket.escalated', to, msg.escalated(t, breaches));
  if (level === 2 && fromLevel < 2) raisePriority(d, raisedPriority(t.priority), actor, ctx, 'escalation');
  if (outstandingBreaches(t, d.now).length > 0) e.nextReminderAt = d.now + ctx.policy.reminderEveryMs;
}

export function remind(d: Draft, ctx: TicketContext, breaches: readonly BreachKind[]): void {
  const t = d.ticket;
  const targets = escalationTargets(t.escalation.level, ctx, d.now);
  d.entry(SYSTEM, 'reminder', { data: { level: t.escalation.level, breaches: [...breaches], notified: targets, notifiedNames: namesOf(targets, ctx) } });
  for (const to of targets) d.notify('ticket.reminder', to, msg.reminder(t, breaches));
  t.escalation.lastNotifiedAt = d.now;
  t.escalation.nextReminderAt = d.now + ctx.policy.reminderEveryMs;
}
