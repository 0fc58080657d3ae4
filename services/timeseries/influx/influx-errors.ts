import { HttpError } from '@influxdata/influxdb-client';
import { OcError, type ErrorCode } from '../../shared/errors.ts';

/**
 * HTTP answers that judge the points themselves: a malformed line, a field whose type
 * the bucket already fixed otherwise, a point beyond the bucket's retention (InfluxDB
 * answers 422 "partial write" for the last two), a body too large. Writing the same
 * points again cannot help; splitting them can.
 */
const POINTS_REFUSED = new Set([400, 413, 422]);

/**
 * The client's error as the port's: OC_TIMESERIES_REJECTED for the answers above,
 * OC_TIMESERIES_UNAVAILABLE for everything else. That includes 401, 403 and 404 (a wrong
 * token or a missing bucket): an operator fixes those, and the points are still good, so
 * they wait instead of being thrown away.
 */
export function writeError(err: unknown, what: string): OcError {
  return portError(err, what, POINTS_REFUSED.has((err as { statusCode?: number }).statusCode ?? 0) ? 'OC_TIMESERIES_REJECTED' : 'OC_TIMESERIES_UNAVAILABLE');
}

/** A query InfluxDB calls bad (400) is a bug in it or in its parameters; anything else is the store. */
export function queryError(err: unknown, what: string): OcError {
  return portError(err, what, (err as { statusCode?: number }).statusCode === 400 ? 'OC_TIMESERIES_QUERY_INVALID' : 'OC_TIMESERIES_UNAVAILABLE');
}

function portError(err: unknown, what: string, code: ErrorCode): OcError {
  if (err instanceof HttpError) {
    const detail = `${what}: HTTP ${err.statusCode} ${influxMessage(err)}`;
    return new OcError(code, detail, { status: err.statusCode }, { cause: err });
  }
  const e = err as { code?: unknown; message?: unknown };
  const detail = `${what}: ${typeof e.code === 'string' ? `${e.code} ` : ''}${String(e.message ?? err)}`;
  return new OcError(code, detail, undefined, { cause: err });
}

/** InfluxDB puts the useful sentence in the JSON body's `message`. */
function influxMessage(err: HttpError): string {
  const json = err.json as { message?: unknown } | undefined;
  if (json && typeof json.message === 'string') return json.message;
  return err.body ?? err.message;
}
