/**
 * The noise report: what a scenario's tickets say about alert quality. Pure: tickets with
 * their timelines and the scenario's declared incidents in, figures out. A ticket is
 * "explained" by the first declared incident that lists its alert type at its place and
 * began before it opened; tickets no incident explains are noise by definition.
 */
import type { Subject } from '../../services/alerting/domain/model.ts';
import type { Ticket, TimelineEntry } from '../../services/alerting/domain/tickets/types.ts';
import type { Scenario, ScenarioIncident } from '../scenario.ts';

export interface ReportTicket {
  ticket: Ticket;
  timeline: readonly TimelineEntry[];
}

/** A ticket that resolves itself this soon after opening, nobody having touched it, was noise to whoever saw it. */
export const SELF_RESOLVED_WITHIN_MS = 10 * 60_000;

export interface RuleCount {
  alertType: string;
  /** Priority now: a ticket's title and priority follow the worst state it reached. */
  priority: string;
  tickets: number;
}

export interface IncidentFigures {
  id: string;
  class: string;
  title: string | undefined;
  /** Simulated seconds after the scenario's start that its first event played. */
  startS: number;
  /** Ticket ids it explains, in order of opening. */
  ticketIds: string[];
  /** Simulated seconds from the incident's start to its first ticket; undefined without one. */
  toTicketS: number | undefined;
  /** Simulated seconds from the incident's start to the first dispatch of one of its tickets. */
  toDispatchS: number | undefined;
  /**
   * Its P1 tickets (P1 now): seconds from the incident's start to their dispatch, and from the
   * moment the ticket became P1 (opened as one, or raised to one) to its dispatch (the issue's
   * "dispatched within 60 s"); undefined: never dispatched.
   */
  p1: Array<{ ticketId: string; toDispatchS: number | undefined; p1ToDispatchS: number | undefined }>;
  /** The slowest of its P1 tickets from becoming P1 to dispatch; undefined without a dispatched P1. */
  p1ToDispatchS: number | undefined;
}

export interface TicketLine {
  id: string;
  alertType: string;
  priority: string;
  deviceOrGroup: string;
  openedS: number;
}

export interface NoiseReport {
  scenario: string;
  tickets: number;
  byRule: RuleCount[];
  incidents: IncidentFigures[];
  /** Explained tickets per declared incident (the target is 1 to 1.2). */
  ticketsPerIncident: number;
  unexplained: TicketLine[];
  selfResolved: TicketLine[];
  /** Share of all tickets that resolved themselves within 10 minutes, no human action (target ≤ 0.1). */
  selfResolvedShare: number;
  /** The slowest P1 from becoming P1 to its first dispatch, over every P1 ticket (target ≤ 60 s); undefined: no P1. */
  slowestP1DispatchS: number | undefined;
  /** P1 tickets never dispatched (target: none). */
  undispatchedP1: TicketLine[];
}

export function noiseReport(scenario: Scenario, startMs: number, tickets: readonly ReportTicket[]): NoiseReport {
  const sorted = [...tickets].sort((a, b) => a.ticket.openedAt - b.ticket.openedAt || a.ticket.id.localeCompare(b.ticket.id));
  const line = (t: Ticket): TicketLine => ({ id: t.id, alertType: t.alertType, priority: t.priority, deviceOrGroup: t.subject.deviceId ?? t.subject.groupId ?? t.subject.compoundId, openedS: Math.round((t.openedAt - startMs) / 1000) });

  const counts = new Map<string, RuleCount>();
  for (const { ticket } of sorted) {
    const key = `${ticket.alertType}|${ticket.priority}`;
    const c = counts.get(key) ?? { alertType: ticket.alertType, priority: ticket.priority, tickets: 0 };
    c.tickets += 1;
    counts.set(key, c);
  }
  const byRule = [...counts.values()].sort((a, b) => a.priority.localeCompare(b.priority) || a.alertType.localeCompare(b.alertType));

  const incidents = scenario.incidents.map((incident) => ({ incident, startMs: startMs + incidentStartS(scenario, incident) * 1000, explained: [] as ReportTicket[] }));
  const unexplained: TicketLine[] = [];
  for (const rt of sorted) {
    const owner = incidents.find((i) => rt.ticket.openedAt >= i.startMs && (i.incident.windowS === undefined || rt.ticket.openedAt <= i.startMs + i.incident.windowS * 1000) && explains(scenario, i.incident, rt.ticket));
    if (owner) owner.explained.push(rt);
    else unexplained.push(line(rt.ticket));
  }

  const seconds = (ms: number | undefined, from: number) => (ms === undefined ? undefined : Math.round((ms - from) / 1000));
  const figures: IncidentFigures[] = incidents.map(({ incident, startMs: from, explained }) => {
    const dispatches = explained.map((rt) => firstDispatchAt(rt.timeline)).filter((at): at is number => at !== undefined);
    return {
      id: incident.id,
      class: incident.class,
      title: incident.title,
      startS: Math.round((from - startMs) / 1000),
      ticketIds: explained.map((rt) => rt.ticket.id),
      toTicketS: seconds(explained[0]?.ticket.openedAt, from),
      toDispatchS: seconds(dispatches.length > 0 ? Math.min(...dispatches) : undefined, from),
      p1: explained.filter(isP1).map((rt) => ({ ticketId: rt.ticket.id, toDispatchS: seconds(firstDispatchAt(rt.timeline), from), p1ToDispatchS: p1ToDispatchS(rt) })),
      p1ToDispatchS: slowest(explained.filter(isP1).map(p1ToDispatchS)),
    };
  });
  const explainedCount = figures.reduce((n, f) => n + f.ticketIds.length, 0);
  const selfResolved = sorted.filter(resolvedItselfSoon).map((rt) => line(rt.ticket));
  return {
    scenario: scenario.name ?? 'scenario',
    tickets: sorted.length,
    byRule,
    incidents: figures,
    ticketsPerIncident: figures.length === 0 ? 0 : explainedCount / figures.length,
    unexplained,
    selfResolved,
    selfResolvedShare: sorted.length === 0 ? 0 : selfResolved.length / sorted.length,
    slowestP1DispatchS: slowest(sorted.filter(isP1).map(p1ToDispatchS)),
    undispatchedP1: sorted.filter((rt) => isP1(rt) && p1ToDispatchS(rt) === undefined).map((rt) => line(rt.ticket)),
  };
}

const isP1 = (rt: ReportTicket): boolean => rt.ticket.priority === 'P1';

function slowest(values: ReadonlyArray<number | undefined>): number | undefined {
  const known = values.filter((v): v is number => v !== undefined);
  return known.length === 0 ? undefined : Math.max(...known);
}

/** When the ticket became P1: opened as one, or the entry that raised it. */
function becameP1At({ ticket, timeline }: ReportTicket): number {
  const raised = timeline.find((e) => e.action === 'priority-raised' && e.data?.to === 'P1');
  return raised?.at ?? ticket.openedAt;
}

/** Simulated seconds from becoming P1 to the first dispatch at or after it (a dispatch before counts at 0). */
function p1ToDispatchS(rt: ReportTicket): number | undefined {
  const at = firstDispatchAt(rt.timeline);
  if (at === undefined) return undefined;
  return Math.max(0, Math.round((at - becameP1At(rt)) / 1000));
}

/** Simulated seconds after the start of the incident's first event. */
export function incidentStartS(scenario: Scenario, incident: ScenarioIncident): number {
  return Math.min(...scenario.events.filter((e) => e.id !== undefined && incident.events.includes(e.id)).map((e) => e.at));
}

function explains(scenario: Scenario, incident: ScenarioIncident, ticket: Ticket): boolean {
  const ownTargets = scenario.events.filter((e) => e.id !== undefined && incident.events.includes(e.id)).map((e) => e.target);
  return incident.explains.some((x) => typeMatches(x.type, ticket.alertType) && (x.target !== undefined ? [x.target] : ownTargets).some((target) => isAtTarget(ticket.subject, target)));
}

function typeMatches(pattern: string, alertType: string): boolean {
  return pattern.endsWith('.*') ? alertType.startsWith(pattern.slice(0, -1)) : pattern === alertType;
}

/** A scenario target (device, place, building, compound, `*`) holds the ticket's subject. */
function isAtTarget(s: Subject, target: string): boolean {
  return target === '*' || [s.deviceId, s.groupId, s.placeId, s.buildingId, s.compoundId].includes(target);
}

function firstDispatchAt(timeline: readonly TimelineEntry[]): number | undefined {
  return timeline.find((e) => e.action === 'dispatched')?.at;
}

/** Resolved by the system within 10 minutes of opening, with no person's entry before. */
function resolvedItselfSoon({ ticket, timeline }: ReportTicket): boolean {
  for (const e of timeline) {
    if (e.actor.kind === 'person') return false;
    if (e.toState === 'resolved') return e.at - ticket.openedAt <= SELF_RESOLVED_WITHIN_MS;
  }
  return false;
}
