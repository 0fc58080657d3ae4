import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { isOcError } from '../shared/errors.ts';

/**
 * The API's catalogue: each error has a stable code and one HTTP status.
 * Domain code returns decisions; only this layer speaks HTTP.
 */
export const API_ERRORS = {
  OC_API_INVALID_REQUEST: 400,
  OC_TICKET_INVALID_COMMAND: 400,
  OC_SILENCE_INVALID: 400,
  // Places, people, roster and rules edited live (issue 17, part B).
  OC_PLACE_UNKNOWN_PARENT: 400,
  OC_PLACE_DUPLICATE: 409,
  OC_PLACE_NOT_FOUND: 404,
  OC_PLACE_INVALID: 400,
  OC_PEOPLE_UNKNOWN_TEAM: 400,
  OC_PEOPLE_UNKNOWN_SHIFT: 400,
  OC_PEOPLE_DUPLICATE: 409,
  OC_PEOPLE_NOT_FOUND: 404,
  OC_PEOPLE_LOGIN_TAKEN: 409,
  OC_PEOPLE_INVALID: 400,
  OC_ROSTER_INVALID: 400,
  OC_ROSTER_UNKNOWN_SCHEDULE: 404,
  OC_RULES_UNKNOWN_SETTING: 400,
  OC_RULES_OUT_OF_RANGE: 400,
  OC_CONFIG_IMPORT_INVALID: 400,
  OC_TICKET_NOT_ALLOWED: 403,
  OC_TICKET_NOT_FOUND: 404,
  OC_SILENCE_NOT_FOUND: 404,
  OC_API_NOT_FOUND: 404,
  OC_TICKET_ILLEGAL_TRANSITION: 409,
  OC_TICKET_CONFLICT: 409,
  OC_API_INTERNAL: 500,
  OC_API_BAD_CREDENTIALS: 401,
  OC_API_UNAUTHENTICATED: 401,
  OC_API_SESSION_EXPIRED: 401,
  OC_API_FORBIDDEN: 403,
  OC_API_ACTION_ID_REUSED: 409,
  OC_API_SIGN_IN_THROTTLED: 429,
  OC_API_BAD_URL: 400,
  OC_API_BAD_REQUEST_LINE: 400,
  OC_API_FOREIGN_ORIGIN: 403,
  OC_API_REQUEST_TIMEOUT: 408,
  OC_API_BODY_TOO_LARGE: 413,
  OC_API_URL_TOO_LONG: 414,
  OC_API_HEADERS_TOO_LARGE: 431,
  OC_REPORT_UNKNOWN_PLACE: 404,
  OC_REPORT_INVALID: 400,
  OC_REPORT_PHOTO_INVALID: 415,
  OC_REPORT_PHOTO_TOO_LARGE: 413,
  OC_REPORT_RATE_LIMITED: 429,
  OC_REPORT_TRACKING_NOT_FOUND: 404,
  OC_REPORT_NOT_RATEABLE: 409,
  // Configuration (issue 17).
  OC_CONFIG_VERSION_CONFLICT: 409,
  OC_CONFIG_NOT_FOUND: 404,
  OC_CONFIG_INVALID: 400,
  OC_DEVICE_DUPLICATE: 409,
  OC_DEVICE_UNKNOWN_PLACE: 400,
  OC_DEVICE_KIND_INVALID: 400,
  OC_DEVICE_INVALID: 400,
  OC_DEVICE_NOT_FOUND: 404,
  OC_DEVICE_REVOKED: 409,
  OC_DEVICE_IMPORT_INVALID: 400,
  OC_PROVISIONING_KEY_INVALID: 403,
  OC_PROVISIONING_KEY_SPENT: 410,
} as const;

export type ApiErrorCode = keyof typeof API_ERRORS;

export interface ApiErrorBody {
  code: ApiErrorCode;
  message: string;
  /** The request field at fault, e.g. `body.note` or `querystring.limit`. */
  field?: string;
  /** For 409s on tickets: the state the ticket is in now. */
  currentState?: string;
  /** For 429s: seconds until another attempt is worth making (also sent as Retry-After). */
  retryAfterS?: number;
  /** For OC_CONFIG_VERSION_CONFLICT: the item's version now, to reload and apply the change to. */
  currentVersion?: number;
}

export function sendError(reply: FastifyReply, body: ApiErrorBody): FastifyReply {
  if (body.retryAfterS !== undefined) reply.header('retry-after', String(body.retryAfterS));
  return reply.status(API_ERRORS[body.code]).send(body);
}

/** Fastify's validation errors become 400s that name the field; anything unexpected is a 500 with no internals. */
export function apiErrorHandler(error: FastifyError, request: FastifyRequest, reply: FastifyReply): FastifyReply {
  if (error.validation) {
    const first = error.validation[0];
    // A missing or an unexpected property is named by the params, not by the path (which ends at its parent).
    const params = first?.params as { missingProperty?: string; additionalProperty?: string } | undefined;
    const named = params?.missingProperty ?? params?.additionalProperty;
    const path = [error.validationContext, ...(first?.instancePath ?? '').split('/').filter(Boolean), ...(named ? [named] : [])].join('.');
    return sendError(reply, { code: 'OC_API_INVALID_REQUEST', field: path, message: `${path} ${validationMessage(error.validation)}` });
  }
  if (error.code === 'FST_ERR_CTP_BODY_TOO_LARGE') return sendError(reply, { code: 'OC_API_BODY_TOO_LARGE', field: 'body', message: error.message });
  if (error.statusCode && error.statusCode >= 400 && error.statusCode < 500) {
    // Fastify's own refusals of a body it cannot parse: the body (or its content type) is the field at fault.
    const field = error.code === 'FST_ERR_CTP_INVALID_MEDIA_TYPE' ? 'headers.content-type' : error.code?.startsWith('FST_ERR_CTP_') ? 'body' : undefined;
    return sendError(reply, { code: 'OC_API_INVALID_REQUEST', message: error.message, ...(field ? { field } : {}) });
  }
  const catalogued = sendOcError(reply, error);
  if (catalogued) return catalogued;
  request.log.error({ err: error }, 'request failed');
  return sendError(reply, { code: 'OC_API_INTERNAL', message: 'internal error; see the server log' });
}

type ValidationIssue = NonNullable<FastifyError['validation']>[number];

/**
 * Ajv's wording, made readable where it is not: a missing property "is required" (not "must have
 * required property"), and a value outside a union of constants names the values allowed (Ajv
 * reports one "must be equal to constant" per branch; the allowed values are in their params).
 */
function validationMessage(issues: readonly ValidationIssue[]): string {
  const first = issues[0];
  if (!first) return 'is invalid';
  if (first.keyword === 'required') return 'is required';
  if (first.keyword === 'const') {
    const allowed = issues
      .filter((i) => i.keyword === 'const' && i.instancePath === first.instancePath)
      .map((i) => String((i.params as { allowedValue?: unknown }).allowedValue));
    return `must be one of: ${allowed.join(', ')}`;
  }
  return first.message ?? 'is invalid';
}

export const errorSchema = {
  type: 'object',
  required: ['code', 'message'],
  properties: {
    code: { type: 'string', enum: Object.keys(API_ERRORS) },
    message: { type: 'string' },
    field: { type: 'string' },
    currentState: { type: 'string' },
    retryAfterS: { type: 'integer' },
    currentVersion: { type: 'integer' },
  },
} as const;

/**
 * An OcError of the catalogue that this layer answers with its own status (a refusal of the
 * config store or of the device admin), or undefined for anything else (a 500, by the handler).
 */
export function sendOcError(reply: FastifyReply, err: unknown): FastifyReply | undefined {
  if (!isOcError(err) || !(err.code in API_ERRORS)) return undefined;
  const details = err.details ?? {};
  return sendError(reply, {
    code: err.code as ApiErrorCode,
    message: err.message,
    ...(typeof details.field === 'string' ? { field: `body.${details.field}` } : {}),
    ...(typeof details.currentVersion === 'number' ? { currentVersion: details.currentVersion } : {}),
  });
}
