/** Builders and a fake roster for the ticket-domain tests. No timers: time is a number we pass. */
import { expect } from 'vitest';
import type { AlertSignal, Category, Priority } from '../../../../services/alerting/domain/model.ts';
import { applyCommand, openFromSignal } from '../../../../services/alerting/domain/tickets/index.ts';
import { makeTicketPolicy, type TicketPolicyOverrides } from '../../../../services/alerting/domain/tickets/policy.ts';
import type { Actor, Change, Command, Decision, Route, Ticket, TicketContext, TicketState } from '../../../../services/alerting/domain/tickets/types.ts';

export const MIN = 60_000;
export const HOUR = 60 * MIN;
export const T0 = Date.UTC(2024, 6, 1, 8, 0, 0);

export const operator: Actor = { kind: 'person', id: 'op-1', role: 'operator' };
export const supervisor: Actor = { kind: 'person', id: 'sup-1', role: 'supervisor' };
export const system: Actor = { kind: 'system' };
export const staff = (id: string): Actor => ({ kind: 'person', id, role: 'staff' });

let eventSeq = 0;
export function signal(over: Partial<AlertSignal> = {}): AlertSignal {
  eventSeq += 1;
  return {
    action: 'fire',
    fingerprint: 'dl8-c1/dl8-m1/drain.level-warning',
    alertType: 'drain.level-warning',
    category: 'drainage',
    priority: 'P3',
    subject: { deviceId: 'dl8-m1', groupId: undefined, communityId: 'dianliu-8', compoundId: 'dl8-c1', buildingId: undefined, placeId: 'mh-1' },
    at: T0,
    eventId: `ev-${eventSeq}`,
    summary: { zh: '3号井水位偏高', en: 'Manhole 3 level high' },
    details: { levelPct: 62 },
    autoResolve: false,
    ...over,
  };
}

export interface FakeRoster {
  /** On-duty staff per team, in the order the fake offers them. */
  onDuty: Record<string, string[]>;
  routes: Partial<Record<Category, Route>>;
  supervisor: string | undefined;
  calls: { teamId: string | undefined; exclude: readonly string[] }[];
}

export function fakeContext(over: Partial<FakeRoster> = {}, policy: TicketPolicyOverrides = {}): TicketContext & { roster: FakeRoster } {
  const roster: FakeRoster = {
    onDuty: { plumbing: ['s1', 's2'], guards: ['g1'] },
    routes: { drainage: { teamId: 'plumbing' }, security: { teamId: 'guards' }, parking: { departmentId: 'traffic-police' } },
    supervisor: 'sup-1',
    calls: [],
    ...over,
  };
  return {
    roster,
    policy: makeTicketPolicy(policy),
    managerId: 'mgr-1',
    teamFor: (category) => roster.routes[category] ?? { teamId: 'iot' },
    supervisorOnDuty: () => roster.supervisor,
    chooseAssignee: (_category, teamId, _now, exclude) => {
      roster.calls.push({ teamId, exclude: [...exclude] });
      if (teamId === undefined) return undefined;
      const staffId = (roster.onDuty[teamId] ?? []).find((s) => !exclude.includes(s));
      return staffId === undefined ? undefined : { staffId, teamId };
    },
  };
}

/** Asserts success and returns the change, so a failing decision fails the test with its message. */
export function ok(d: Decision): Change {
  if (!d.ok) expect.fail(`expected ok, got ${d.error.code}: ${d.error.message}`);
  return d;
}

export function cmd(c: Command, ticket: Ticket, now: number, ctx: TicketContext): Ticket {
  return ok(applyCommand(ticket, c, now, ctx)).ticket;
}

export function openTicket(ctx: TicketContext, over: Partial<AlertSignal> = {}, now = T0): Ticket {
  return ok(openFromSignal(signal(over), 'tk-1', now, ctx)).ticket;
}

/** A ticket brought into `state` through the real commands (s1 of plumbing is the assignee from dispatched on). */
export function ticketIn(state: TicketState, ctx: TicketContext, priority: Priority = 'P3'): Ticket {
  let t = openTicket(ctx, { priority });
  const at = (m: number): number => T0 + m * MIN;
  if (state === 'open') return t;
  if (state === 'cancelled') return cmd({ type: 'cancel', actor: operator, note: 'false alarm' }, t, at(1), ctx);
  t = cmd({ type: 'acknowledge', actor: operator }, t, at(1), ctx);
  if (state === 'acknowledged') return t;
  t = cmd({ type: 'dispatch', actor: operator, staffId: 's1', teamId: 'plumbing' }, t, at(2), ctx);
  if (state === 'dispatched') return t;
  t = cmd({ type: 'arrive', actor: staff('s1') }, t, at(3), ctx);
  if (state === 'on_site') return t;
  t = cmd({ type: 'resolve', actor: staff('s1'), note: 'cleared the grease plug' }, t, at(4), ctx);
  if (state === 'resolved') return t;
  return cmd({ type: 'close', actor: operator }, t, at(5), ctx);
}
