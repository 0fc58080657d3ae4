/**
 * The ticket domain's data: plain JSON-serialisable objects (no classes, no Dates,
 * times are epoch ms) so the store can persist them as they are and the API and
 * the `oc.tickets` topic can publish them without mapping.
 */
import type { ErrorCode } from '../../../shared/errors.ts';
import type { AlertType, Bilingual, Category, Priority, Subject } from '../model.ts';

export const TICKET_STATES = ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'closed', 'cancelled'] as const;
export type TicketState = (typeof TICKET_STATES)[number];

export const DESK_ROLES = ['operator', 'supervisor', 'manager'] as const;
export const PERSON_ROLES = ['operator', 'staff', 'supervisor', 'manager'] as const;
export type PersonRole = (typeof PERSON_ROLES)[number];

export type Actor = { kind: 'system' } | { kind: 'person'; id: string; role: PersonRole };

export type Assignment =
  | {
      kind: 'staff';
      staffId: string;
      teamId: string;
      dispatchedAt: number;
      acceptedAt?: number;
      /** Set when the accept timeout passed and nobody else could take it: the breach is then escalated. */
      acceptTimedOutAt?: number;
    }
  /** A partner department reached through the community city-management station. */
  | { kind: 'department'; departmentId: string; transferredAt: number };

export interface Deadlines {
  acknowledgeBy: number;
  arriveBy: number;
  resolveBy: number;
}

/** What can be late. `accept` is the dispatched staff not accepting and nobody else to send. */
export const BREACH_KINDS = ['acknowledge', 'accept', 'arrive', 'resolve'] as const;
export type BreachKind = (typeof BREACH_KINDS)[number];

export type EscalationLevel = 0 | 1 | 2;

export interface Escalation {
  /** 0 none, 1 shift supervisor, 2 property manager (and priority raised once). Only reopening lowers it. */
  level: EscalationLevel;
  /** When the current level was reached; level 1 moves to 2 if still unacted `escalateAfterMs` later. */
  levelSince?: number;
  lastNotifiedAt?: number;
  /** Set while a breach is outstanding; cleared as soon as nothing is late any more. */
  nextReminderAt?: number;
  /** Breaches already escalated, so each is announced once and then only reminded. */
  announced: BreachKind[];
}

/** Moments the property manager's SLA figures are computed from; cleared by a reopen. */
export interface Milestones {
  acknowledgedAt?: number;
  arrivedAt?: number;
  resolvedAt?: number;
  /** The ticket resolved itself when its condition cleared. */
  autoResolved?: boolean;
  closedAt?: number;
  cancelledAt?: number;
}

export interface Ticket {
  id: string;
  fingerprint: string;
  alertType: AlertType;
  category: Category;
  priority: Priority;
  /** Priority at open, so raises stay visible in reports. */
  openedPriority: Priority;
  state: TicketState;
  subject: Subject;
  title: Bilingual;
  openedAt: number;
  updatedAt: number;
  firingCount: number;
  lastFiredAt: number;
  /** The alert condition still holds (last signal was a fire). */
  conditionActive: boolean;
  conditionClearedAt?: number;
  /** The most recent linked event ids (bounded by policy), newest last. */
  linkedEventIds: string[];
  linkedEventCount: number;
  /** Where the responsibility matrix sent the category at open: a team, or a partner department (then the desk transfers). */
  route: { teamId: string } | { departmentId: string };
  assignment?: Assignment;
  /** The team responsible now (from the matrix, a dispatch or a transfer). */
  teamId?: string;
  deadlines: Deadlines;
  escalation: Escalation;
  milestones: Milestones;
  /** Staff who let a dispatch of this ticket time out; not offered it again automatically. Bounded. */
  passedOverStaffIds: string[];
  reopenCount: number;
  /** Storm collapsing: when the last signal entry was written, and fires counted since without their own entry. */
  storm: { lastEntryAt: number; collapsed: number };
  /** Recently applied command ids (bounded), for idempotent retries. */
  recentCommandIds: string[];
  /** Seq of the last timeline entry. */
  lastSeq: number;
  /**
   * People's reports on it (issue 16): how many, and where they came from in order of arrival
   * (the sensor counts as one). Absent on a sensor's ticket nobody has reported: one report, the sensor.
   */
  reports?: ReportTally;
  /** A grouped incident this ticket belongs to (a manhole's drain ticket under the compound's storm). */
  parentId?: string;
  /** A grouped incident's lines: one per manhole of a storm, newest state of each. */
  children?: ChildLine[];
  /** Alerts that did not become tickets of their own and explain or add to this one (bounded, newest last). */
  evidence?: EvidenceItem[];
  /** Nobody qualified was on shift to send: the desk must find someone (cleared by a dispatch or transfer). */
  unmetDuty?: UnmetDuty;
  /** How long a dispatched person has to accept, from the rule's settings; the policy's accept timeout when absent. */
  acceptWithinMs?: number;
  /** Increments on every change: optimistic concurrency for the store. */
  version: number;
}

/** Where a report on a ticket came from: a sensor's alert, a desk-logged call, a resident's QR report. */
export const TICKET_SOURCES = ['sensor', 'call', 'resident'] as const;
export type TicketSource = (typeof TICKET_SOURCES)[number];

export interface ReportTally {
  count: number;
  /** Each source once, in the order it first reported. */
  sources: TicketSource[];
}

/** One manhole (or device) of a grouped incident. */
export interface ChildLine {
  deviceId: string;
  name: Bilingual;
  /** The alert that put it here, and whether it still fires. */
  alertId: string;
  alertType: AlertType;
  alertState: 'firing' | 'resolved';
  firstAt: number;
  lastAt: number;
  summary: Bilingual;
  /** Its own ticket, once it reached warning, stayed high or overflowed. */
  ticketId?: string;
}

/** An alert kept on a ticket instead of a ticket of its own. */
export interface EvidenceItem {
  alertId: string;
  alertType: AlertType;
  deviceId?: string;
  at: number;
  summary: Bilingual;
  /** inhibited: a dark device under the outage; nearby-incident: motion near a door incident; digest: a night's burst; signal: a transient alert of the same device. */
  why: 'inhibited' | 'nearby-incident' | 'digest' | 'signal';
  /** What a person checks: camera, zone, local time, snapshot. */
  facts?: Record<string, unknown>;
}

export interface UnmetDuty {
  since: number;
  teamId?: string;
  reason: Bilingual;
}

export const TIMELINE_ACTIONS = [
  'opened',
  're-fired',
  'condition-cleared',
  'priority-raised',
  'acknowledged',
  'dispatched',
  'redispatched',
  'accepted',
  'arrived',
  'resolved',
  'reopened',
  'closed',
  'cancelled',
  'transferred',
  'commented',
  'escalated',
  'reminder',
  'accept-timeout',
  'returned-to-desk',
  // Issue 14: grouped incidents and duties nobody on shift can take.
  'alert-attached',
  'child-linked',
  'unmet-duty',
] as const;
export type TimelineAction = (typeof TIMELINE_ACTIONS)[number];

/** Append-only: entries are never changed or removed once returned. */
export interface TimelineEntry {
  ticketId: string;
  /** 1, 2, 3 … per ticket, gap-free. */
  seq: number;
  at: number;
  actor: Actor;
  action: TimelineAction;
  fromState?: TicketState;
  toState?: TicketState;
  note?: string;
  data?: Record<string, unknown>;
}

export type NotificationKind =
  | 'ticket.opened'
  | 'ticket.changed'
  | 'ticket.dispatched'
  | 'ticket.withdrawn'
  | 'ticket.transferred'
  | 'ticket.escalated'
  | 'ticket.reminder'
  | 'ticket.resolved'
  | 'ticket.reopened'
  | 'ticket.cancelled';

/** A role (with the person on duty when known) or one person or a partner department. */
export type NotificationTarget =
  | { role: 'supervisor' | 'manager' | 'operator'; staffId?: string }
  | { staffId: string }
  | { departmentId: string };

export interface Notification {
  /** `${ticketId}/v${version}/${n}`: stable across replays, so notifiers can de-duplicate. */
  id: string;
  kind: NotificationKind;
  ticketId: string;
  to: NotificationTarget;
  at: number;
  priority: Priority;
  message: Bilingual;
}

export type TransferTarget = { kind: 'team'; teamId: string } | { kind: 'department'; departmentId: string };

export type CommandBody =
  | { type: 'acknowledge' }
  /** Without staffId the roster chooses an on-duty member of teamId (or the ticket's team). */
  | { type: 'dispatch'; staffId?: string; teamId?: string }
  | { type: 'accept' }
  | { type: 'arrive' }
  | { type: 'resolve' }
  | { type: 'close' }
  | { type: 'cancel' }
  | { type: 'reopen' }
  | { type: 'transfer'; to: TransferTarget }
  | { type: 'comment' }
  | { type: 'escalate' };

export type CommandType = CommandBody['type'];

export type Command = CommandBody & {
  actor: Actor;
  note?: string;
  /** Retries with the same id are applied once. */
  commandId?: string;
};

export type TicketErrorCode = Extract<ErrorCode, 'OC_TICKET_ILLEGAL_TRANSITION' | 'OC_TICKET_NOT_ALLOWED' | 'OC_TICKET_INVALID_COMMAND'>;

export interface TicketError {
  code: TicketErrorCode;
  message: string;
  currentState: TicketState | undefined;
}

/** What a change produced. `entries` and `notifications` are empty when nothing changed (same ticket object). */
export interface Change {
  ticket: Ticket;
  entries: TimelineEntry[];
  notifications: Notification[];
}

export type Decision = ({ ok: true } & Change) | { ok: false; error: TicketError };

/** Response-time targets, in ms from the start of the (re)opened ticket. */
export interface SlaTargets {
  acknowledgeMs: number;
  arriveMs: number;
  resolveMs: number;
}

/** Targets by priority, with optional overrides per category. */
export interface TicketSla {
  byPriority: Record<Priority, SlaTargets>;
  byCategory: Partial<Record<Category, Partial<Record<Priority, Partial<SlaTargets>>>>>;
}

export interface TicketPolicy {
  sla: TicketSla;
  /**
   * The SLA in force for the tickets of one compound (ticket.subject.compoundId), the site's
   * with that compound's overrides laid over it; a compound not listed runs on `sla`.
   * Absent when no compound has its own deadlines.
   */
  compounds?: Record<string, TicketSla>;
  reminderEveryMs: number;
  /** Level 1 (supervisor) becomes level 2 (manager) if the breach is still unacted this long after. */
  escalateToManagerAfterMs: number;
  reopenWindowMs: number;
  acceptTimeoutMs: number;
  /** At most one 're-fired' timeline entry per this period per ticket. */
  stormCollapseMs: number;
  linkedEventsKept: number;
  commandIdsKept: number;
  passedOverKept: number;
}

export type Route = { teamId: string } | { departmentId: string };

/** What the ticket domain needs from the roster and configuration; a fake in tests. */
export interface TicketContext {
  policy: TicketPolicy;
  /** An on-duty member (by team and load), never one of excludeStaffIds; undefined when nobody is available. */
  chooseAssignee(category: Category, teamId: string | undefined, now: number, excludeStaffIds: readonly string[]): { staffId: string; teamId: string } | undefined;
  /**
   * The nearest qualified person on shift for a ticket about `subject`: an on-duty member of the
   * team posted at its place, then its building, then its compound, then the rest of the team.
   */
  chooseNearest?(category: Category, teamId: string | undefined, subject: Subject, now: number, excludeStaffIds: readonly string[]): { staffId: string; teamId: string } | undefined;
  /** The responsibility matrix. */
  teamFor(category: Category): Route;
  /** Staff id of the shift supervisor on duty at `now`, if any. */
  supervisorOnDuty(now: number): string | undefined;
  managerId: string;
  /** The bilingual name of a staff member, team or partner department, for message texts; absent: the id is shown. */
  nameOf?(id: string): Bilingual | undefined;
}
