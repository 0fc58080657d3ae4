/**
 * From an `oc.tickets` record to `ticket_change` points, as SCHEMA.md describes: one point
 * per timeline entry of a `ticket.change` message, none for a `notification`. Pure: no
 * I/O, no clock. A record that is not a ticket message the writer knows says why, for the
 * dead-letter topic.
 */
import { z } from 'zod';
import { ALERT_TYPES, CATEGORIES, PRIORITIES } from '../alerting/domain/model.ts';
import { TICKET_STATES, TIMELINE_ACTIONS, type TicketState } from '../alerting/domain/tickets/types.ts';
import type { LogRecord } from '../event-log/port.ts';
import { pointProblem } from '../timeseries/measurements.ts';
import type { Point } from '../timeseries/port.ts';
import type { Refusal } from './envelope-to-point.ts';

export type MappedTicket = { ok: true; points: Point[] } | { ok: false; refusal: Refusal };

/** Kinds of oc.tickets messages that are not measured (they repeat what a ticket.change says). */
const UNMEASURED_KINDS: ReadonlySet<string> = new Set(['notification']);

const id = z.string().min(1).max(200);
const ms = z.number().int().nonnegative();
const optionalId = id.nullish();

/** Only what the points need; the rest of the ticket (SLA, assignment, storm counts) stays in the log. */
const ticketChangeSchema = z.object({
  kind: z.literal('ticket.change'),
  ticket: z.object({
    id,
    category: z.enum(CATEGORIES),
    priority: z.enum(PRIORITIES),
    state: z.enum(TICKET_STATES),
    alertType: z.enum(ALERT_TYPES),
    openedAt: ms,
    version: z.number().int().nonnegative(),
    subject: z.object({ communityId: id, compoundId: id, buildingId: optionalId, placeId: optionalId, deviceId: optionalId }),
  }),
  entries: z.array(
    z.object({
      seq: z.number().int().positive(),
      at: ms,
      action: z.enum(TIMELINE_ACTIONS),
      fromState: z.enum(TICKET_STATES).optional(),
      toState: z.enum(TICKET_STATES).optional(),
    }),
  ),
});

type TicketChange = z.infer<typeof ticketChangeSchema>;

export function ticketRecordToPoints(record: LogRecord): MappedTicket {
  let message: unknown;
  try {
    message = JSON.parse(record.value.toString('utf8'));
  } catch {
    return refuse('not valid JSON', undefined);
  }
  const kind = typeof message === 'object' && message !== null ? (message as { kind?: unknown }).kind : undefined;
  if (typeof kind !== 'string') return refuse('no message kind', 'kind');
  if (UNMEASURED_KINDS.has(kind)) return { ok: true, points: [] };
  // An unknown kind is dead-lettered rather than skipped: a renamed kind would otherwise
  // vanish from the dashboards without a word.
  if (kind !== 'ticket.change') return refuse(`unknown message kind ${JSON.stringify(kind)}`, 'kind');
  const parsed = ticketChangeSchema.safeParse(message);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    const field = issue.path.join('.');
    return refuse(`ticket.change: ${field} ${issue.message}`, field);
  }
  const points = changeToPoints(parsed.data);
  for (const point of points) {
    // The mapping is written to fit the schema; this catches what it did not foresee.
    const problem = pointProblem(point);
    if (problem) return { ok: false, refusal: { code: problem.code, reason: problem.reason, field: problem.field, deviceId: point.tags.device } };
  }
  return { ok: true, points };
}

function changeToPoints({ ticket, entries }: TicketChange): Point[] {
  const states = statesAfter(ticket.state, entries);
  const s = ticket.subject;
  const where: Record<string, string> = { community: s.communityId, compound: s.compoundId };
  if (s.buildingId) where.building = s.buildingId;
  if (s.placeId) where.place = s.placeId;
  if (s.deviceId) where.device = s.deviceId;
  const ticketNumber = numberOf(ticket.id);
  return entries.map((e, i) => ({
    measurement: 'ticket_change',
    tags: { ...where, category: ticket.category, priority: ticket.priority, state: states[i]!, action: e.action, alert_type: ticket.alertType },
    fields: { ticket_id: ticket.id, seq: e.seq, version: ticket.version, age_s: Math.max(0, Math.floor((e.at - ticket.openedAt) / 1000)) },
    timeMs: e.at,
    // Entries of one transaction share their millisecond: ticket and entry keep them apart (SCHEMA.md "Time").
    nanos: (ticketNumber % 1000) * 1000 + (e.seq % 1000),
  }));
}

/**
 * The ticket's state after each entry. A change carries only the final state; an entry
 * that moved the ticket names both ends, one that did not (a comment, a reminder) leaves
 * it as it was, so the states are found walking back from the final one.
 */
export function statesAfter(final: TicketState, entries: readonly { fromState?: TicketState | undefined; toState?: TicketState | undefined }[]): TicketState[] {
  const out: TicketState[] = new Array<TicketState>(entries.length);
  let after = final;
  for (let i = entries.length - 1; i >= 0; i--) {
    const e = entries[i]!;
    out[i] = e.toState ?? after;
    after = e.fromState ?? out[i]!;
  }
  return out;
}

/**
 * The ticket's counter, from its id (`T20260715-0042` → 42): tickets opened in one
 * transaction have consecutive numbers. An id without trailing digits falls back to a
 * hash of the whole id.
 */
export function numberOf(ticketId: string): number {
  const digits = /(\d+)$/.exec(ticketId)?.[1];
  if (digits !== undefined) return Number(digits.slice(-9));
  let hash = 0x811c9dc5;
  for (let i = 0; i < ticketId.length; i++) hash = Math.imul(hash ^ ticketId.charCodeAt(i), 0x01000193) >>> 0;
  return hash;
}

/** The log key of oc.tickets is the ticket id, not a device: the dead letter names no device. */
function refuse(reason: string, field: string | undefined): MappedTicket {
  return { ok: false, refusal: { code: 'OC_TICKET_MESSAGE_INVALID', reason, field, deviceId: undefined } };
}
