import type { Alert } from '../domain/alerts/alert.ts';
import type { Subject } from '../domain/model.ts';
import type { RuleStateStore } from '../domain/rules/state-store.ts';
import type { ReportRows } from './report-rows.ts';

/**
 * What the store needs to know of a ticket to index it; the ticket domain's
 * Ticket has these fields and more, which the store keeps as they are.
 */
export interface TicketShape {
  id: string;
  fingerprint: string;
  state: string;
  category: string;
  priority: string;
  subject: Subject;
  openedAt: number;
  updatedAt: number;
  version: number;
  assignment?: { kind: string; staffId?: string } | undefined;
  /** The grouped incident it belongs to. */
  parentId?: string | undefined;
}

export interface TimelineShape {
  ticketId: string;
  seq: number;
  at: number;
}

export interface SilenceShape {
  id: string;
  startsAt: number;
  endsAt: number;
}

export interface DeviceStatus {
  deviceId: string;
  state: 'online' | 'offline' | 'unknown';
  /** When it entered this state. */
  since: number;
  /** When anything was last heard from it. */
  lastSeen: number | undefined;
  source: string;
  /** Set while the device's clock is off beyond the tolerance: its last timestamp minus the receive time, ms. */
  clockSkewMs?: number;
}

export interface LinkedEvent {
  eventId: string;
  at: number;
  body: unknown;
}

export const OPEN_STATES = ['open', 'acknowledged', 'dispatched', 'on_site'] as const;

/**
 * Everything one processing step reads and writes, inside ONE transaction:
 * processed event ids, rule state, tickets, timeline, and the messages to
 * publish (a transactional outbox), so a crash never splits them.
 */
export interface AlertingTx<T extends TicketShape, E extends TimelineShape, S extends SilenceShape> {
  readonly ruleState: RuleStateStore;
  wasProcessed(eventId: string): boolean;
  markProcessed(eventId: string, at: number): void;
  openTicket(fingerprint: string): T | undefined;
  /** The newest ticket with this fingerprint in any state, for reopening a flapping one. */
  latestTicket(fingerprint: string): T | undefined;
  ticket(id: string): T | undefined;
  /** Open (not resolved, closed or cancelled) tickets, for SLA timers. */
  openTickets(): T[];
  /** Throws OcError('OC_TICKET_CONFLICT') when an open ticket with the fingerprint exists. */
  insertTicket(ticket: T): void;
  /** Throws OcError('OC_TICKET_CONFLICT') when the stored version is not `expectedVersion`. */
  updateTicket(ticket: T, expectedVersion: number): void;
  appendTimeline(entries: readonly E[]): void;
  linkEvent(ticketId: string, event: LinkedEvent): void;
  publish(topic: string, key: string, value: unknown): void;
  nextTicketId(at: number): string;
  activeSilences(now: number): S[];
  /** Open tickets assigned per staff member. */
  staffLoads(): Map<string, number>;
  setDeviceStatus(status: DeviceStatus): void;
  deviceStatus(deviceId: string): DeviceStatus | undefined;
  /** People's reports (issue 16), in the same transaction as the ticket they open or join. */
  readonly reports: ReportRows;
  /** The newest alert (firing episode) of a fingerprint. */
  currentAlert(fingerprint: string): Alert | undefined;
  putAlert(alert: Alert): void;
  /** Firing alerts of a compound (and one type), oldest first. */
  firingAlerts(compoundId: string, alertType?: string): Alert[];
  /** Alerts of a compound and type that fired (or resolved) at or after `since`. */
  alertsSince(compoundId: string, alertType: string, since: number): Alert[];
  /** Every firing alert, for the timers that turn waiting alerts into tickets. */
  allFiringAlerts(): Alert[];
  /** Open tickets of a compound and alert type (grouped incidents, nearby incidents). */
  openTicketsOf(compoundId: string, alertTypes: readonly string[]): T[];
}

export interface AlertFilter {
  states?: readonly string[];
  compoundId?: string;
  alertTypes?: readonly string[];
  limit?: number;
}

export interface TicketFilter {
  states?: readonly string[];
  categories?: readonly string[];
  priorities?: readonly string[];
  communityId?: string;
  compoundId?: string;
  deviceId?: string;
  staffId?: string;
  parentId?: string;
  limit?: number;
  /** Tickets updated before this (ms), for paging back in time. */
  before?: number;
}

export interface OutgoingMessage {
  id: number;
  topic: string;
  key: string;
  value: Buffer;
}

export interface AlertingStore<T extends TicketShape, E extends TimelineShape, S extends SilenceShape> {
  transaction<R>(work: (tx: AlertingTx<T, E, S>) => R): R;
  listTickets(filter: TicketFilter): T[];
  /** Alerts, newest change first. */
  listAlerts(filter: AlertFilter): Alert[];
  /** The tickets of a grouped incident. */
  childTickets(parentId: string): T[];
  getTicket(id: string): { ticket: T; timeline: E[]; linkedEvents: LinkedEvent[] } | undefined;
  listSilences(now: number, includeExpired: boolean): S[];
  putSilence(silence: S): void;
  /** Ends a silence now; false if there is none with that id. */
  expireSilence(id: string, now: number): boolean;
  deviceStatuses(): DeviceStatus[];
  /** The transactional outbox, read by the relay that appends to the event log. */
  pendingOutgoing(limit: number): OutgoingMessage[];
  deleteOutgoing(upToId: number): void;
  /** Drops processed-event ids older than `before`; the log keeps events no longer than that. */
  pruneProcessed(before: number): number;
  close(): void;
}
