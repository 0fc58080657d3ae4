import { z } from 'zod';
import { formatIssues } from '../../../services/shared/config-error.ts';
import { OcError } from '../../../services/shared/errors.ts';
import type { ControllerEvent, ControllerEventType } from './wire.ts';

/** One line of the event stream, as the driver understands it. */
export type StreamLine =
  | { kind: 'keepalive'; timeMs: number; headSeq: number }
  | { kind: 'event'; event: ControllerEvent; timeMs: number }
  /** A journalled event of a type this driver does not know (newer firmware): skipped, not a fault. */
  | { kind: 'unknown-event'; seq: number; type: string }
  /** A journalled event of a known type with bad fields: its seq is trustworthy, its content is not. */
  | { kind: 'invalid-event'; seq: number; type: string; problem: string };

// ISO 8601 with seconds and an explicit zone, like envelope ts; a zone-less time is ambiguous.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(?:\.\d{1,9})?(?:Z|[+-]\d{2}:\d{2})$/;
const isoTime = z.string().refine((s) => ISO_WITH_ZONE.test(s) && !Number.isNaN(Date.parse(s)), 'must be an ISO 8601 time with a zone');
const seq = z.number().int().min(1).max(Number.MAX_SAFE_INTEGER);
const reader = z.enum(['in', 'out']);
const card = z.string().regex(/^[0-9A-Fa-f]{1,32}$/, 'must be a card number');
const ms = z.number().int().min(0).max(366 * 24 * 3600_000);
const text = z.string().min(1).max(200);

const EVENT_SCHEMAS: Record<ControllerEventType, z.ZodType> = {
  'card.granted': z.object({ reader, card }),
  'card.denied': z.object({ reader, card, reason: text }),
  'exit.button': z.object({}),
  'door.open': z.object({ cause: z.enum(['grant', 'exit', 'forced']) }),
  'door.close': z.object({ openMs: ms }),
  'alarm.forced': z.object({}),
  'alarm.held': z.object({ openMs: ms, thresholdMs: ms }),
  tamper: z.object({ reason: text }),
};

const keepaliveSchema = z.object({ type: z.literal('keepalive'), time: isoTime, headSeq: z.number().int().min(0) });
const envelopeSchema = z.object({ seq, type: z.string().min(1).max(64), time: isoTime });

const malformed = (detail: string): OcError => new OcError('OC_DEVICE_MALFORMED_RESPONSE', `event stream: ${detail}`);

/**
 * Parses one stream line. Throws OC_DEVICE_MALFORMED_RESPONSE for a line that is
 * not a usable JSON object with a seq: such garbage says nothing about which
 * event it was, so the driver drops the stream and resumes from its cursor.
 */
export function parseStreamLine(line: string): StreamLine {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    // Not quoted: a cut-off card event would put a raw card number into the fault report.
    throw malformed(`line is not JSON (${Buffer.byteLength(line)} bytes)`);
  }
  if (typeof raw !== 'object' || raw === null || Array.isArray(raw)) throw malformed('line is not a JSON object');
  if ((raw as { type?: unknown }).type === 'keepalive') {
    const k = keepaliveSchema.safeParse(raw);
    if (!k.success) throw malformed(`keepalive ${formatIssues(k.error.issues)}`);
    return { kind: 'keepalive', timeMs: Date.parse(k.data.time), headSeq: k.data.headSeq };
  }
  const head = envelopeSchema.safeParse(raw);
  if (!head.success) throw malformed(`event ${formatIssues(head.error.issues)}`);
  const { type } = head.data;
  const schema = (EVENT_SCHEMAS as Record<string, z.ZodType | undefined>)[type];
  if (!schema) return { kind: 'unknown-event', seq: head.data.seq, type };
  const body = schema.safeParse(raw);
  if (!body.success) return { kind: 'invalid-event', seq: head.data.seq, type, problem: formatIssues(body.error.issues) };
  // The schema checked the fields the type needs; keep exactly those, not whatever else the line carried.
  const event = { ...(body.data as object), type, seq: head.data.seq, time: head.data.time } as ControllerEvent;
  return { kind: 'event', event, timeMs: Date.parse(head.data.time) };
}
