/**
 * Silences (maintenance windows): while one matches, a fire opens no new ticket.
 * They are data the desk can see, with who and why, and they always end: an
 * open-ended silence is how real outages get missed (Alertmanager's lesson).
 * The service decides what a match means; here is only matching and validation.
 * Clears are not the silence's business: a clear for an existing ticket should
 * still reach it, or the ticket would wait for a condition that already ended.
 */
import { ALERT_TYPES, CATEGORIES, type AlertSignal, type AlertType, type Category } from './model.ts';

export interface SilenceMatcher {
  deviceId?: string;
  compoundId?: string;
  communityId?: string;
  alertType?: AlertType;
  category?: Category;
}

export interface Silence {
  id: string;
  /** Every given field must match; at least one is given. */
  matcher: SilenceMatcher;
  /** Active for startsAt <= now < endsAt. */
  startsAt: number;
  endsAt: number;
  createdBy: string;
  reason: string;
}

export const SILENCE_MAX_MS = 30 * 24 * 60 * 60_000;
const MATCHER_FIELDS = ['deviceId', 'compoundId', 'communityId', 'alertType', 'category'] as const;

export const isSilenceActive = (s: Silence, now: number): boolean => s.startsAt <= now && now < s.endsAt;

export function silenceMatches(s: Silence, signal: AlertSignal): boolean {
  const m = s.matcher;
  const given = MATCHER_FIELDS.filter((f) => m[f] !== undefined);
  if (given.length === 0) return false; // an empty matcher would silence everything: never
  return (
    (m.deviceId === undefined || m.deviceId === signal.subject.deviceId) &&
    (m.compoundId === undefined || m.compoundId === signal.subject.compoundId) &&
    (m.communityId === undefined || m.communityId === signal.subject.communityId) &&
    (m.alertType === undefined || m.alertType === signal.alertType) &&
    (m.category === undefined || m.category === signal.category)
  );
}

/** The active silence covering the signal; of several, the one ending last (what the desk would want to see). */
export function findSilence(signal: AlertSignal, silences: readonly Silence[], now: number): Silence | undefined {
  let best: Silence | undefined;
  for (const s of silences) {
    if (isSilenceActive(s, now) && silenceMatches(s, signal) && (best === undefined || s.endsAt > best.endsAt)) best = s;
  }
  return best;
}

export interface SilenceInput {
  id: string;
  matcher: SilenceMatcher;
  /** Defaults to now. */
  startsAt?: number;
  endsAt: number;
  createdBy: string;
  reason: string;
}

export type SilenceValidation =
  | { ok: true; silence: Silence }
  | { ok: false; error: { code: 'OC_SILENCE_INVALID'; field: string; message: string } };

const bad = (field: string, message: string): SilenceValidation => ({ ok: false, error: { code: 'OC_SILENCE_INVALID', field, message } });
const isText = (x: unknown): x is string => typeof x === 'string' && x.trim().length > 0;
const isTime = (x: unknown): x is number => typeof x === 'number' && Number.isFinite(x);

/** Business rules for a new silence; the first problem is reported with its field name (the API's 400). */
export function validateSilence(input: SilenceInput, now: number): SilenceValidation {
  if (!isText(input.id)) return bad('id', 'is required');
  const m: unknown = input.matcher;
  if (typeof m !== 'object' || m === null || Array.isArray(m)) return bad('matcher', 'is required');
  const matcher = m as Record<string, unknown>;
  const unknownField = Object.keys(matcher).find((k) => !(MATCHER_FIELDS as readonly string[]).includes(k));
  if (unknownField !== undefined) return bad(`matcher.${unknownField}`, `is not a matcher field (${MATCHER_FIELDS.join(', ')})`);
  for (const f of MATCHER_FIELDS) {
    if (matcher[f] !== undefined && !isText(matcher[f])) return bad(`matcher.${f}`, 'must be a non-empty string');
  }
  if (MATCHER_FIELDS.every((f) => matcher[f] === undefined)) return bad('matcher', `needs at least one of ${MATCHER_FIELDS.join(', ')}`);
  if (matcher.alertType !== undefined && !(ALERT_TYPES as readonly unknown[]).includes(matcher.alertType)) return bad('matcher.alertType', 'is not a known alert type');
  if (matcher.category !== undefined && !(CATEGORIES as readonly unknown[]).includes(matcher.category)) return bad('matcher.category', 'is not a known category');
  const startsAt = input.startsAt ?? now;
  if (!isTime(startsAt)) return bad('startsAt', 'must be a time');
  if (!isTime(input.endsAt)) return bad('endsAt', 'must be a time');
  if (input.endsAt <= startsAt) return bad('endsAt', 'must be after startsAt');
  if (input.endsAt <= now) return bad('endsAt', 'is in the past');
  if (input.endsAt - startsAt > SILENCE_MAX_MS) return bad('endsAt', 'a silence may last at most 30 days');
  if (!isText(input.createdBy)) return bad('createdBy', 'is required');
  if (!isText(input.reason)) return bad('reason', 'is required: say why alerts are silenced');
  const clean: SilenceMatcher = {};
  for (const f of MATCHER_FIELDS) if (matcher[f] !== undefined) Object.assign(clean, { [f]: matcher[f] });
  return { ok: true, silence: { id: input.id, matcher: clean, startsAt, endsAt: input.endsAt, createdBy: input.createdBy, reason: input.reason.trim() } };
}
