import type { ErrorCode } from '../../../services/shared/errors.ts';

const MAX_REASON = 300;

/** What went wrong talking to the camera, as a stable code and a reason for people. */
export interface DeviceFault {
  code: ErrorCode;
  reason: string;
}

/** A failed onvif call: which operation, the library's error, and the response text when there was one. */
export class OnvifCallError extends Error {
  constructor(
    readonly operation: string,
    override readonly cause: unknown,
    readonly xml?: string,
  ) {
    super(`${operation}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'OnvifCallError';
  }
}

/** A fault the driver found itself in an answer it could read. */
export class DeviceFaultError extends Error {
  readonly fault: DeviceFault;
  constructor(code: ErrorCode, operation: string, what: string) {
    super(`${operation}: ${what}`);
    this.name = 'DeviceFaultError';
    this.fault = { code, reason: this.message.slice(0, MAX_REASON) };
  }
}

/** The answer was understood as SOAP but not as what the operation returns. */
export class MalformedAnswerError extends DeviceFaultError {
  constructor(operation: string, what: string) {
    super('OC_DEVICE_MALFORMED_RESPONSE', operation, what);
    this.name = 'MalformedAnswerError';
  }
}

const NETWORK_CODES = new Set(['ECONNREFUSED', 'ECONNRESET', 'ECONNABORTED', 'EPIPE', 'EHOSTUNREACH', 'ENETUNREACH', 'ENOTFOUND', 'EAI_AGAIN']);

/**
 * Sorts errors from the onvif package into fault codes. The package reports
 * everything as plain Errors, so this reads what it leaves: Node's `code` for
 * socket errors, its 'Network timeout' message, and the SOAP fault text. With
 * WS-Security a camera refuses credentials with a ter:NotAuthorized fault (ONVIF
 * core 5.9.1), with HTTP digest with a 401 the package turns into 'Digest
 * authentication failed'. Whatever else could not be read is a malformed answer.
 */
export function classifyOnvifError(err: unknown): DeviceFault {
  if (err instanceof DeviceFaultError) return err.fault;
  const call = err instanceof OnvifCallError ? err : undefined;
  const cause = call ? call.cause : err;
  const message = cause instanceof Error ? cause.message : String(cause);
  const reason = (call ? call.message : message).slice(0, MAX_REASON);
  const code = (cause as { code?: unknown } | null)?.code;

  if (typeof code === 'string' && NETWORK_CODES.has(code)) return { code: 'OC_DEVICE_UNREACHABLE', reason };
  if (message === 'socket hang up') return { code: 'OC_DEVICE_UNREACHABLE', reason };
  if (message === 'Network timeout' || code === 'ETIMEDOUT') return { code: 'OC_DEVICE_TIMEOUT', reason };
  if (/not ?authori[sz]ed/i.test(`${message} ${call?.xml ?? ''}`) || message.startsWith('Digest authentication failed')) {
    return { code: 'OC_DEVICE_AUTH_FAILED', reason };
  }
  if (message.startsWith('ONVIF SOAP Fault')) return { code: 'OC_DEVICE_REFUSED', reason };
  return { code: 'OC_DEVICE_MALFORMED_RESPONSE', reason };
}

/** A pull point that is gone (expired, or the camera forgot it); subscribing again is the cure. */
export function isSubscriptionGone(err: unknown): boolean {
  const call = err instanceof OnvifCallError ? err : undefined;
  return /ResourceUnknown/i.test(call?.xml ?? '');
}
