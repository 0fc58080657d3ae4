import { describe, expect, it } from 'vitest';
import { CATEGORIES, PRIORITIES } from '../../../../services/alerting/domain/model.ts';
import { applyCommand, evaluateTimers, nextTimerAt } from '../../../../services/alerting/domain/tickets/index.ts';
import { DEFAULT_SLA, makeTicketPolicy, slaFor } from '../../../../services/alerting/domain/tickets/policy.ts';
import type { Change, Notification, Ticket, TicketContext, TimelineEntry } from '../../../../services/alerting/domain/tickets/types.ts';
import { HOUR, MIN, T0, cmd, fakeContext, ok, openTicket, operator, staff, ticketIn } from './fixtures.ts';

/** Time travel: calls evaluateTimers at each minute in [from, to], collecting what it produced. */
function run(ticket: Ticket, from: number, to: number, ctx: TicketContext, stepMs = MIN) {
  let t = ticket;
  const changes: Change[] = [];
  for (let at = from; at <= to; at += stepMs) {
    const c = evaluateTimers(t, at, ctx);
    if (c) {
      changes.push(c);
      t = c.ticket;
    }
  }
  const entries: TimelineEntry[] = changes.flatMap((c) => c.entries);
  const notifications: Notification[] = changes.flatMap((c) => c.notifications);
  return { ticket: t, changes, entries, notifications };
}

const P3 = DEFAULT_SLA.P3;
const P2 = DEFAULT_SLA.P2;

describe('defaults', () => {
  it.each([
    ['P1', 5 * MIN, 30 * MIN, 4 * HOUR],
    ['P2', 15 * MIN, 2 * HOUR, 12 * HOUR],
    ['P3', 30 * MIN, 4 * HOUR, 24 * HOUR],
    ['P4', 2 * HOUR, 12 * HOUR, 24 * HOUR],
  ] as const)('%s: ack %d, arrive %d, resolve %d', (p, ack, arrive, resolve) => {
    expect(DEFAULT_SLA[p]).toEqual({ acknowledgeMs: ack, arriveMs: arrive, resolveMs: resolve });
  });

  it('resolves within 24 h by default, whatever the category and priority, and each deadline follows the one before', () => {
    const policy = makeTicketPolicy();
    for (const category of CATEGORIES) {
      for (const priority of PRIORITIES) {
        const sla = slaFor(policy, category, priority);
        expect(sla.resolveMs, `${category} ${priority}`).toBeLessThanOrEqual(24 * HOUR);
        expect(sla.acknowledgeMs).toBeLessThan(sla.arriveMs);
        expect(sla.arriveMs).toBeLessThan(sla.resolveMs);
      }
    }
  });

  it('site overrides change one number and category overrides win', () => {
    const policy = makeTicketPolicy({
      reminderEveryMs: 5 * MIN,
      sla: { byPriority: { P2: { arriveMs: HOUR } }, byCategory: { security: { P2: { acknowledgeMs: 2 * MIN } } } },
    });
    expect(policy.reminderEveryMs).toBe(5 * MIN);
    expect(policy.acceptTimeoutMs).toBe(10 * MIN);
    expect(slaFor(policy, 'drainage', 'P2')).toEqual({ ...P2, arriveMs: HOUR });
    expect(slaFor(policy, 'security', 'P2')).toEqual({ acknowledgeMs: 2 * MIN, arriveMs: HOUR, resolveMs: P2.resolveMs });
  });
});

describe('SLA breach → supervisor → manager → reminders until acted', () => {
  it('escalates step by step and keeps reminding', () => {
    const ctx = fakeContext();
    const t = openTicket(ctx, { priority: 'P3' });
    const breach = T0 + P3.acknowledgeMs;

    expect(evaluateTimers(t, breach - 1, ctx)).toBeNull();

    const l1 = evaluateTimers(t, breach, ctx);
    expect(l1?.ticket.escalation.level).toBe(1);
    expect(l1?.entries).toEqual([expect.objectContaining({ action: 'escalated', data: expect.objectContaining({ level: 1, breaches: ['acknowledge'] }) })]);
    expect(l1?.notifications.map((n) => [n.kind, n.to])).toEqual([['ticket.escalated', { role: 'supervisor', staffId: 'sup-1' }]]);
    expect(l1?.ticket.priority).toBe('P3');

    // Nothing more until the manager step.
    expect(evaluateTimers(l1!.ticket, breach + ctx.policy.escalateToManagerAfterMs - 1, ctx)).toBeNull();
    const l2at = breach + ctx.policy.escalateToManagerAfterMs;
    const l2 = evaluateTimers(l1!.ticket, l2at, ctx)!;
    expect(l2.ticket.escalation.level).toBe(2);
    expect(l2.ticket.priority).toBe('P2');
    expect(l2.entries.map((e) => e.action)).toEqual(['escalated', 'priority-raised']);
    expect(l2.entries[1]?.data).toMatchObject({ from: 'P3', to: 'P2', reason: 'escalation' });
    expect(l2.notifications.filter((n) => n.kind === 'ticket.escalated').map((n) => n.to)).toEqual([
      { role: 'supervisor', staffId: 'sup-1' },
      { role: 'manager', staffId: 'mgr-1' },
    ]);
    // The raise tightened the later deadlines but never past their original values.
    expect(l2.ticket.deadlines.arriveBy).toBe(Math.min(T0 + P3.arriveMs, l2at + P2.arriveMs));

    // Unacted until the (tightened) arrive deadline: a reminder every 15 minutes to both, each one an entry.
    const end = l2.ticket.deadlines.arriveBy - 1;
    const later = run(l2.ticket, l2at + MIN, end, ctx);
    const reminders = later.entries.filter((e) => e.action === 'reminder');
    const expectedTimes: number[] = [];
    for (let at = l2at + ctx.policy.reminderEveryMs; at <= end; at += ctx.policy.reminderEveryMs) expectedTimes.push(at);
    expect(expectedTimes.length).toBeGreaterThanOrEqual(7);
    expect(reminders.map((e) => e.at)).toEqual(expectedTimes);
    expect(later.entries).toHaveLength(reminders.length); // nothing but reminders
    // The arrive deadline itself is a new breach: announced as an escalation, not a mere reminder.
    const arrive = evaluateTimers(later.ticket, end + 1, ctx)!;
    expect(arrive.entries[0]).toMatchObject({ action: 'escalated', data: expect.objectContaining({ level: 2, breaches: ['arrive'] }) });
    expect(later.notifications.filter((n) => n.kind === 'ticket.reminder')).toHaveLength(2 * reminders.length);
    expect(later.ticket.priority).toBe('P2'); // raised once, not on every reminder
  });

  it('never goes quiet while something is late: the gaps between pages stay within the reminder period', () => {
    const ctx = fakeContext();
    const { notifications, entries } = run(openTicket(ctx, { priority: 'P1' }), T0, T0 + 6 * HOUR, ctx);
    const pageTimes = [...new Set(notifications.filter((n) => n.kind === 'ticket.escalated' || n.kind === 'ticket.reminder').map((n) => n.at))];
    expect(pageTimes[0]).toBe(T0 + DEFAULT_SLA.P1.acknowledgeMs);
    pageTimes.slice(1).forEach((at, i) => expect(at - pageTimes[i]!).toBeLessThanOrEqual(ctx.policy.reminderEveryMs));
    expect(pageTimes.at(-1)).toBeGreaterThan(T0 + 6 * HOUR - ctx.policy.reminderEveryMs);
    // Each page has its entry, which lists who was notified.
    for (const e of entries.filter((x) => x.action === 'escalated' || x.action === 'reminder')) {
      const sent = notifications.filter((n) => n.at === e.at && (n.kind === 'ticket.escalated' || n.kind === 'ticket.reminder'));
      expect((e.data?.notified as unknown[]).length).toBe(sent.length);
    }
    // Later deadlines were announced as they were missed.
    const announced = entries.filter((e) => e.action === 'escalated').flatMap((e) => e.data?.breaches as string[]);
    expect(announced).toEqual(expect.arrayContaining(['acknowledge', 'arrive', 'resolve']));
  });

  it('with no supervisor on the roster it pages the supervisor role rather than nobody', () => {
    const ctx = fakeContext({ supervisor: undefined });
    const c = evaluateTimers(openTicket(ctx), T0 + P3.acknowledgeMs, ctx);
    expect(c?.notifications.map((n) => n.to)).toEqual([{ role: 'supervisor' }]);
  });

  it('one call takes one step: a service back after hours does not fire a burst', () => {
    const ctx = fakeContext();
    const c = evaluateTimers(openTicket(ctx), T0 + 30 * HOUR, ctx)!;
    expect(c.entries.filter((e) => e.action === 'escalated')).toHaveLength(1);
    expect(c.entries[0]?.data).toMatchObject({ level: 1, breaches: ['acknowledge', 'arrive', 'resolve'] });
  });
});

describe('no paging after acknowledge', () => {
  it('acknowledging stops the ack-breach reminders; only a new breach pages again', () => {
    const ctx = fakeContext();
    const breach = T0 + P3.acknowledgeMs;
    const l1 = evaluateTimers(openTicket(ctx), breach, ctx)!;
    expect(l1.ticket.escalation.nextReminderAt).toBe(breach + ctx.policy.reminderEveryMs);
    const acked = ok(applyCommand(l1.ticket, { type: 'acknowledge', actor: operator }, breach + 3 * MIN, ctx)).ticket;
    expect(acked.escalation.nextReminderAt).toBeUndefined();

    // Quiet from the acknowledge until the arrive deadline...
    const quiet = run(acked, breach + 3 * MIN, acked.deadlines.arriveBy - 1, ctx);
    expect(quiet.notifications).toEqual([]);
    expect(quiet.entries).toEqual([]);
    expect(nextTimerAt(acked, breach + 3 * MIN, ctx.policy)).toBe(acked.deadlines.arriveBy);

    // ...which, missed, is a new breach and escalates from level 1 to 2.
    const arrive = evaluateTimers(acked, acked.deadlines.arriveBy, ctx)!;
    expect(arrive.entries[0]?.data).toMatchObject({ level: 2, breaches: ['arrive'] });
    expect(arrive.notifications.map((n) => n.kind)).toContain('ticket.escalated');
  });

  it('arriving stops arrive reminders; resolving stops everything', () => {
    const ctx = fakeContext();
    let t = ticketIn('dispatched', ctx);
    t = cmd({ type: 'accept', actor: staff('s1') }, t, T0 + 3 * MIN, ctx);
    const late = run(t, t.deadlines.arriveBy, t.deadlines.arriveBy + 20 * MIN, ctx);
    expect(late.entries.map((e) => e.action)).toContain('escalated');
    const onSite = cmd({ type: 'arrive', actor: staff('s1') }, late.ticket, t.deadlines.arriveBy + 21 * MIN, ctx);
    expect(run(onSite, onSite.updatedAt, onSite.deadlines.resolveBy - 1, ctx, 5 * MIN).notifications).toEqual([]);
    const resolved = cmd({ type: 'resolve', actor: staff('s1'), note: 'done' }, onSite, onSite.updatedAt + MIN, ctx);
    expect(evaluateTimers(resolved, resolved.deadlines.resolveBy + HOUR, ctx)).toBeNull();
    expect(nextTimerAt(resolved, resolved.updatedAt, ctx.policy)).toBeUndefined();
  });
});

describe('accept timeout', () => {
  it('re-dispatches to another on-duty member, then escalates when nobody is left', () => {
    const ctx = fakeContext({ onDuty: { plumbing: ['s1', 's2'] } });
    const dispatchedAt = T0 + 2 * MIN;
    const t = ticketIn('dispatched', ctx); // to s1 at T0 + 2 min
    const timeout = ctx.policy.acceptTimeoutMs;

    expect(evaluateTimers(t, dispatchedAt + timeout - 1, ctx)).toBeNull();
    const first = evaluateTimers(t, dispatchedAt + timeout, ctx)!;
    expect(first.entries.map((e) => e.action)).toEqual(['accept-timeout', 'redispatched']);
    expect(first.entries[0]?.data).toMatchObject({ staffId: 's1', redispatchedTo: 's2' });
    expect(ctx.roster.calls.at(-1)).toEqual({ teamId: 'plumbing', exclude: ['s1'] });
    expect(first.ticket.assignment).toMatchObject({ staffId: 's2', dispatchedAt: dispatchedAt + timeout });
    expect(first.notifications.map((n) => [n.kind, n.to])).toEqual([
      ['ticket.withdrawn', { staffId: 's1' }],
      ['ticket.dispatched', { staffId: 's2' }],
    ]);
    // s1 was passed over: it is no longer theirs to accept.
    expect(applyCommand(first.ticket, { type: 'accept', actor: staff('s1') }, dispatchedAt + timeout + MIN, ctx)).toMatchObject({ ok: false, error: { code: 'OC_TICKET_NOT_ALLOWED' } });

    const second = evaluateTimers(first.ticket, dispatchedAt + 2 * timeout, ctx)!;
    expect(second.entries.map((e) => e.action)).toEqual(['accept-timeout', 'escalated']);
    expect(second.entries[0]?.data).toMatchObject({ staffId: 's2', redispatchedTo: null });
    expect(second.entries[1]?.data).toMatchObject({ level: 1, breaches: ['accept'] });
    expect(second.ticket.assignment).toMatchObject({ staffId: 's2', acceptTimedOutAt: dispatchedAt + 2 * timeout });
    expect(second.notifications.map((n) => [n.kind, n.to])).toEqual([['ticket.escalated', { role: 'supervisor', staffId: 'sup-1' }]]);

    // Reminders until s2 accepts; then silence (until another deadline).
    const nagging = run(second.ticket, dispatchedAt + 2 * timeout + MIN, dispatchedAt + 2 * timeout + 30 * MIN, ctx);
    expect(nagging.entries.length).toBeGreaterThan(0);
    const accepted = cmd({ type: 'accept', actor: staff('s2') }, nagging.ticket, nagging.ticket.updatedAt + MIN, ctx);
    const until = Math.min(accepted.deadlines.arriveBy, accepted.deadlines.resolveBy) - 1;
    expect(run(accepted, accepted.updatedAt, until, ctx).entries).toEqual([]);
  });

  it('does not time out once accepted', () => {
    const ctx = fakeContext();
    const t = cmd({ type: 'accept', actor: staff('s1') }, ticketIn('dispatched', ctx), T0 + 5 * MIN, ctx);
    expect(evaluateTimers(t, T0 + 30 * MIN, ctx)).toBeNull();
  });
});

describe('manual escalation', () => {
  it('goes one level up per command, raising priority once at level 2', () => {
    const ctx = fakeContext();
    let t = openTicket(ctx, { priority: 'P4' });
    const levels: number[] = [];
    const priorities: string[] = [];
    for (let i = 1; i <= 3; i++) {
      const d = ok(applyCommand(t, { type: 'escalate', actor: operator, note: 'resident is elderly' }, T0 + i * MIN, ctx));
      t = d.ticket;
      levels.push(t.escalation.level);
      priorities.push(t.priority);
      expect(d.entries[0]).toMatchObject({ action: 'escalated', note: 'resident is elderly', actor: operator });
    }
    expect(levels).toEqual([1, 2, 2]);
    expect(priorities).toEqual(['P4', 'P3', 'P3']);
  });
});

describe('reopen resets escalation', () => {
  it('a reopened ticket starts at level 0 with fresh deadlines', () => {
    const ctx = fakeContext();
    const escalated = run(openTicket(ctx), T0, T0 + HOUR, ctx).ticket;
    expect(escalated.escalation.level).toBe(2);
    let t = cmd({ type: 'acknowledge', actor: operator }, escalated, T0 + HOUR, ctx);
    t = cmd({ type: 'resolve', actor: operator, note: 'reset the sensor' }, t, T0 + HOUR + MIN, ctx);
    const at = T0 + 2 * HOUR;
    t = cmd({ type: 'reopen', actor: operator }, t, at, ctx);
    expect(t.escalation).toEqual({ level: 0, announced: [] });
    expect(t.deadlines.acknowledgeBy).toBe(at + slaFor(ctx.policy, t.category, t.priority).acknowledgeMs);
  });
});

describe('nextTimerAt agrees with evaluateTimers', () => {
  const scenarios: [string, (ctx: TicketContext) => Ticket, number][] = [
    ['fresh open', (ctx) => openTicket(ctx), T0],
    ['dispatched, awaiting accept', (ctx) => ticketIn('dispatched', ctx), T0 + 3 * MIN],
    ['on site', (ctx) => ticketIn('on_site', ctx), T0 + 4 * MIN],
    ['escalated level 1', (ctx) => evaluateTimers(openTicket(ctx), T0 + P3.acknowledgeMs, ctx)!.ticket, T0 + P3.acknowledgeMs],
    ['escalated level 2', (ctx) => run(openTicket(ctx), T0, T0 + P3.acknowledgeMs + 15 * MIN, ctx).ticket, T0 + P3.acknowledgeMs + 15 * MIN],
  ];
  it.each(scenarios)('%s', (_name, build, now) => {
    const ctx = fakeContext();
    const t = build(ctx);
    const next = nextTimerAt(t, now, ctx.policy);
    expect(next).toBeDefined();
    expect(next!).toBeGreaterThan(now);
    expect(evaluateTimers(t, next! - 1, ctx)).toBeNull();
    expect(evaluateTimers(t, next!, ctx)).not.toBeNull();
  });
});
