/**
 * People's reports (a desk-logged call, a resident's QR report) meet tickets. A report
 * opens a ticket exactly as a sensor's fire does (same state machine, SLA, escalation
 * and notifications), except that its priority, team and SLA come from the report
 * catalogue; or, when the place already has an open ticket of the same category (the
 * drain sensor and three residents at manhole M3), it joins that ticket as a report.
 * A resident's low rating of the fix reopens the ticket and tells the desk.
 */
import { fingerprintOf, type AlertSignal, type Bilingual, type Subject } from '../model.ts';
import { deadlinesFrom } from '../tickets/deadlines.ts';
import { Draft } from '../tickets/draft.ts';
import { pushBounded } from '../tickets/draft.ts';
import { OPERATORS, SYSTEM, raisePriority, reopen } from '../tickets/ops.ts';
import { openFromSignal } from '../tickets/signals.ts';
import { isActive } from '../tickets/states.ts';
import type { Actor, Decision, Ticket, TicketContext } from '../tickets/types.ts';
import { REPORT_CATALOGUE, type ReportCategory, type ReportSource } from './catalogue.ts';
import { reportTally, tallied } from './tally.ts';

/** What the domain needs of a report; the reporter's phone and photos stay out of tickets and timelines. */
export interface ReportFacts {
  reportId: string;
  source: ReportSource;
  category: ReportCategory;
  /** Where: a unit entrance or public point of the site. */
  subject: Subject & { placeId: string };
  placeName: Bilingual;
  description: string;
  /** Who logged it: the operator for a call, the system for a resident's report. */
  actor: Actor;
}

export const alertTypeOf = (source: ReportSource): 'report.call' | 'report.resident' => (source === 'call' ? 'report.call' : 'report.resident');

/** A sensor's or another report's open ticket this report should join, if any. */
export function mergeTarget(open: readonly Ticket[], facts: Pick<ReportFacts, 'category' | 'subject'>): Ticket | undefined {
  const category = REPORT_CATALOGUE[facts.category].ticketCategory;
  return open
    .filter((t) => isActive(t.state) && t.subject.placeId === facts.subject.placeId && t.category === category)
    .sort((a, b) => a.openedAt - b.openedAt)[0];
}

export function openFromReport(facts: ReportFacts, ticketId: string, now: number, ctx: TicketContext): Decision {
  const entry = REPORT_CATALOGUE[facts.category];
  const alertType = alertTypeOf(facts.source);
  const signal: AlertSignal = {
    action: 'fire',
    // One per report: a second report at the place joins by mergeTarget, never by fingerprint.
    fingerprint: fingerprintOf(facts.subject.compoundId, `${facts.subject.placeId}/${facts.reportId}`, alertType),
    alertType,
    category: entry.ticketCategory,
    priority: entry.priority,
    subject: { ...facts.subject },
    at: now,
    eventId: `report:${facts.reportId}`,
    summary: { zh: `${entry.name.zh}：${facts.placeName.zh}`, en: `${entry.name.en}: ${facts.placeName.en}` },
    details: { reportId: facts.reportId, source: facts.source, reportCategory: facts.category, description: facts.description },
    autoResolve: false,
  };
  const opened = openFromSignal(signal, ticketId, now, ctx);
  if (!opened.ok) return opened;
  // The catalogue's team and SLA, where the matrix would have said otherwise.
  const t = opened.ticket;
  t.reports = { count: 1, sources: [facts.source] };
  t.route = { teamId: entry.teamId };
  t.teamId = entry.teamId;
  t.deadlines = deadlinesFrom(now, entry.sla);
  if (facts.actor.kind === 'person') {
    for (const e of opened.entries) e.actor = facts.actor;
  }
  return opened;
}

/** The report joins the ticket: a timeline entry the desk sees, and word to the operators. */
export function joinReport(ticket: Ticket, facts: ReportFacts, now: number): Decision {
  if (!isActive(ticket.state)) {
    return { ok: false, error: { code: 'OC_TICKET_ILLEGAL_TRANSITION', message: `ticket is ${ticket.state}; a report opens a new ticket`, currentState: ticket.state } };
  }
  const d = new Draft(ticket, now);
  d.ticket.reports = tallied(reportTally(ticket), facts.source);
  d.entry(facts.actor, 'commented', {
    note: facts.description,
    data: { report: { reportId: facts.reportId, source: facts.source, category: facts.category } },
  });
  const name = REPORT_CATALOGUE[facts.category].name;
  d.notify('ticket.changed', OPERATORS, { zh: `工单 ${ticket.id} 新增报告：${name.zh}`, en: `Another report on ticket ${ticket.id}: ${name.en}` });
  return { ok: true, ...d.finish() };
}

/**
 * The open ticket people reported at the sensor's place, of the sensor's category, that a
 * sensor has not joined yet: residents call about manhole M3 before its drain sensor fires,
 * and the sensor's alert then joins their ticket instead of opening another.
 */
export function reportTicketFor(open: readonly Ticket[], signal: AlertSignal): Ticket | undefined {
  const { compoundId, placeId } = signal.subject;
  if (signal.action !== 'fire' || placeId === undefined) return undefined;
  return open
    .filter((t) => isActive(t.state) && t.alertType.startsWith('report.') && !reportTally(t).sources.includes('sensor'))
    .filter((t) => t.subject.compoundId === compoundId && t.subject.placeId === placeId && t.category === signal.category)
    .sort((a, b) => a.openedAt - b.openedAt)[0];
}

/**
 * The sensor's alert joins the people's ticket: the ticket takes the sensor's fingerprint (so the
 * sensor's later fires and clears find it, as if it had opened it), links the event, counts one
 * more report and takes the sensor's priority if that is higher.
 */
export function joinSignal(ticket: Ticket, signal: AlertSignal, now: number, ctx: TicketContext): Decision {
  if (!isActive(ticket.state) || signal.action !== 'fire') {
    return { ok: false, error: { code: 'OC_TICKET_ILLEGAL_TRANSITION', message: `ticket is ${ticket.state}; the sensor's alert opens its own ticket`, currentState: ticket.state } };
  }
  const d = new Draft(ticket, now);
  const t = d.ticket;
  t.fingerprint = signal.fingerprint;
  if (signal.subject.deviceId !== undefined) t.subject.deviceId = signal.subject.deviceId;
  t.reports = tallied(reportTally(ticket), 'sensor');
  pushBounded(t.linkedEventIds, signal.eventId, ctx.policy.linkedEventsKept);
  t.linkedEventCount += 1;
  t.firingCount += 1;
  t.lastFiredAt = now;
  t.conditionActive = true;
  t.storm = { lastEntryAt: now, collapsed: 0 };
  d.entry(SYSTEM, 'commented', {
    note: `${signal.summary.zh} · ${signal.summary.en}`,
    data: { report: { source: 'sensor', alertType: signal.alertType, eventId: signal.eventId, fingerprint: signal.fingerprint, details: signal.details } },
  });
  d.notify('ticket.changed', OPERATORS, { zh: `工单 ${ticket.id} 传感器告警并入：${signal.summary.zh}`, en: `The sensor's alert joins ticket ${ticket.id}: ${signal.summary.en}` });
  raisePriority(d, signal.priority, SYSTEM, ctx, 'signal', { eventId: signal.eventId });
  return { ok: true, ...d.finish() };
}

/** A resident's rating of a resolved ticket; 1–2 means the fix did not hold, so it reopens. */
export function applyRating(ticket: Ticket, rating: { reportId: string; stars: number; comment: string | undefined }, now: number, ctx: TicketContext): Decision {
  const d = new Draft(ticket, now);
  const data = { rating: { reportId: rating.reportId, stars: rating.stars } };
  if (rating.stars <= 2 && ticket.state === 'resolved') {
    reopen(d, SYSTEM, ctx, `resident rated the fix ${rating.stars}/5`, rating.comment, data);
  } else {
    d.entry(SYSTEM, 'commented', { note: rating.comment ?? `resident rated ${rating.stars}/5`, data });
  }
  return { ok: true, ...d.finish() };
}
