/**
 * Grouped incidents on the ticket side (issue 14): a storm incident's child lines, a child
 * ticket's link to its parent, and alerts kept as evidence on a ticket instead of tickets of
 * their own. Each change writes a timeline entry, so the record says what joined and when.
 */
import { Draft, pushBounded } from './draft.ts';
import { SYSTEM } from './ops.ts';
import type { ChildLine, Decision, EvidenceItem, Ticket } from './types.ts';

/** Evidence and child lines kept per ticket: a night or a storm fits, a flood of bursts does not bury the ticket. */
export const EVIDENCE_KEPT = 100;

/** A manhole joins the incident (an entry) or its line is brought up to date (no entry: the line shows it). */
export function upsertChildLine(ticket: Ticket, line: ChildLine, now: number): Decision {
  const d = new Draft(ticket, now);
  const t = d.ticket;
  const children = (t.children ??= []);
  const i = children.findIndex((c) => c.deviceId === line.deviceId);
  if (i < 0) {
    children.push(line);
    d.entry(SYSTEM, 'child-linked', { data: { deviceId: line.deviceId, alertId: line.alertId, alertType: line.alertType, children: children.length, ...(line.ticketId ? { ticketId: line.ticketId } : {}) } });
  } else {
    const before = children[i]!;
    const merged: ChildLine = { ...before, ...line, firstAt: before.firstAt, ...(line.ticketId ?? before.ticketId ? { ticketId: line.ticketId ?? before.ticketId! } : {}) };
    if (line.ticketId !== undefined && before.ticketId !== line.ticketId) {
      d.entry(SYSTEM, 'child-linked', { data: { deviceId: line.deviceId, ticketId: line.ticketId, alertType: line.alertType } });
    } else d.touch();
    children[i] = merged;
  }
  return { ok: true, ...d.finish() };
}

/** The ticket becomes a child of a grouped incident. */
export function setParent(ticket: Ticket, parentId: string, now: number): Decision {
  if (ticket.parentId === parentId) return { ok: true, ticket, entries: [], notifications: [] };
  const d = new Draft(ticket, now);
  d.ticket.parentId = parentId;
  d.entry(SYSTEM, 'child-linked', { data: { parentId } });
  return { ok: true, ...d.finish() };
}

/** An alert kept on this ticket: an entry naming it, and the item on the ticket's evidence list. */
export function attachEvidence(ticket: Ticket, item: EvidenceItem, now: number): Decision {
  const d = new Draft(ticket, now);
  const t = d.ticket;
  pushBounded((t.evidence ??= []), item, EVIDENCE_KEPT);
  d.entry(SYSTEM, 'alert-attached', { data: { alertId: item.alertId, alertType: item.alertType, why: item.why, ...(item.deviceId ? { deviceId: item.deviceId } : {}), ...(item.facts ?? {}) } });
  return { ok: true, ...d.finish() };
}

