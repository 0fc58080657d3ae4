/**
 * One catalogue of the platform's errors: each has a stable code that logs,
 * dead-letter records and tests refer to. Messages may change; codes may not.
 */
export const ERROR_CATALOGUE = {
  OC_CONFIG_INVALID: 'configuration is invalid',
  OC_ENVELOPE_MALFORMED_JSON: 'payload is not valid JSON',
  OC_ENVELOPE_INVALID: 'payload does not match the envelope schema',
  OC_ENVELOPE_VERSION: 'unsupported envelope schema version',
  OC_ENVELOPE_DEVICE_MISMATCH: 'envelope deviceId differs from the topic device',
  OC_ENVELOPE_KIND_MISMATCH: 'envelope kind differs from the registered device kind',
  OC_PAYLOAD_TOO_LARGE: 'payload exceeds the size limit',
  OC_STATUS_INVALID: 'status payload must be "online" or "offline"',
  OC_AUTH_UNKNOWN_DEVICE: 'unknown device',
  OC_AUTH_BAD_CREDENTIALS: 'wrong credentials',
  OC_AUTH_CLIENT_ID_MISMATCH: 'client id must equal the device id',
  OC_ACL_PUBLISH_DENIED: 'publish outside the device topics',
  OC_ACL_SUBSCRIBE_DENIED: 'subscribe outside the device topics',
  OC_FLOOD: 'client exceeded its message rate for too long',
  OC_FRAME_TOO_LARGE: 'MQTT packet exceeds the frame limit',
  OC_LOG_CLOSED: 'event log is closed',
  OC_LOG_APPEND_FAILED: 'event log did not accept the records',
  OC_LOG_UNKNOWN_TOPIC: 'unknown event log topic',
  OC_LOG_GROUP_BUSY: 'consumer group already has an active consumer in this process',
  OC_TICKET_CONFLICT: 'ticket changed meanwhile or already exists',
  OC_OUTBOX_CLOSED: 'outbox is closed',
  OC_AGENT_CLOSED: 'agent is closed',
  OC_SIMULATION_STALLED: 'a scenario played in lockstep waited too long for its devices or for alerting',
  OC_ROSTER_UNKNOWN_SCHEDULE: 'no such shift schedule in the roster',
  OC_TICKET_ILLEGAL_TRANSITION: 'command is not allowed in the current ticket state',
  OC_TICKET_NOT_ALLOWED: 'actor may not perform this command on the ticket',
  OC_TICKET_INVALID_COMMAND: 'ticket command is invalid',
  OC_SILENCE_INVALID: 'silence is invalid',
  OC_LOG_CONNECT_FAILED: 'could not connect to the event log',
  OC_API_BAD_CREDENTIALS: 'wrong login or password',
  OC_API_UNAUTHENTICATED: 'not signed in',
  OC_API_SESSION_EXPIRED: 'the session has expired; sign in again',
  OC_API_FORBIDDEN: 'the signed-in user may not do this',
  OC_API_ACTION_ID_REUSED: 'action id already used for a different request',
  OC_API_SIGN_IN_THROTTLED: 'too many failed sign-ins for this login; wait and try again',
  OC_DEVICE_UNREACHABLE: 'device refused or dropped the connection',
  OC_DEVICE_TIMEOUT: 'device did not answer in time',
  OC_DEVICE_AUTH_FAILED: 'device refused the credentials',
  OC_DEVICE_MALFORMED_RESPONSE: 'device answered with something that is not a valid response',
  OC_DEVICE_REFUSED: 'device refused the operation',
  OC_DEVICE_CLOCK_SKEW: 'device clock is off by more than the tolerance',
  OC_TIMESERIES_UNAVAILABLE: 'time-series store is unavailable; the write may be retried',
  OC_TIMESERIES_REJECTED: 'time-series store refused the points',
  OC_TIMESERIES_CLOSED: 'time-series store is closed',
  OC_TIMESERIES_QUERY_INVALID: 'time-series query is invalid',
  OC_POINT_MISSING_TAG: 'point lacks a required tag',
  OC_POINT_FIELD_TYPE: 'point field is missing or has the wrong type',
  OC_POINT_INVALID: 'point does not fit the time-series schema',
  OC_DEVICE_IMPLAUSIBLE_VALUE: 'device reported a value it cannot have measured',
  OC_DEVICE_SENSOR_ERROR: 'device reported a fault of its own sensor',
  OC_TICKET_MESSAGE_INVALID: 'oc.tickets record is not a ticket message the reader knows',
  OC_MQTT_CONNECT_REFUSED: 'MQTT CONNECT refused: unsupported protocol version or keep-alive outside the limit',
  OC_AGENT_POWERED_OFF: 'agent has no power: a dead device reports nothing',
  OC_ALERTING_UNKNOWN_DEVICE: 'record from a device that is not in the alerting service\'s site config',
  OC_ENVELOPE_LIMIT_EXCEEDED: 'payload is nested too deep or holds too many keys, items or characters',
  OC_ENVELOPE_UNSAFE_VALUE: 'payload holds a value consumers cannot process safely (lone surrogate, unsafe number, __proto__ or duplicate key)',
  OC_MQTT_PRE_CONNECT: 'socket sent something other than a small CONNECT before logging in',
  OC_MQTT_CONNECTION_LIMIT: 'too many connections in total or from this address',
  OC_MQTT_CONNECT_RATE: 'too many connection attempts for this device or from this address; back off',
  OC_AUTH_THROTTLED: 'too many failed logins for this device or from this address; back off',
  OC_CLIENT_ID_CONFLICT: 'two connections fight over one client id (a cloned device?); the newcomer is refused for a while',
  OC_DEAD_LETTER_BUDGET: 'device exceeded its dead-letter budget: the rest of its junk is counted, not stored',
  OC_CONSUMER_RECORD_FAILED: 'a consumer could not process this record and moved past it',
  OC_NOTIFY_NO_CHANNEL: 'the person or group has no channel to be notified on',
  OC_NOTIFY_REFUSED: 'the receiver refused the notification for good (a 4xx other than 408/429, or the robot refused the signature)',
  OC_NOTIFY_GAVE_UP: 'the notification could not be delivered after every retry',
  OC_NOTIFY_SUBSCRIPTION_GONE: 'the push subscription no longer exists (404/410 from the push service)',
  // People's reports (issue 16).
  OC_REPORT_UNKNOWN_PLACE: 'no such place to report at',
  OC_REPORT_INVALID: 'the report is incomplete or malformed',
  OC_REPORT_PHOTO_INVALID: 'a photo is not a JPEG, PNG or WebP image',
  OC_REPORT_PHOTO_TOO_LARGE: 'a photo is too large, or there are too many',
  OC_REPORT_RATE_LIMITED: 'too many reports; wait and try again',
  OC_REPORT_TRACKING_NOT_FOUND: 'no report with this tracking link',
  OC_REPORT_NOT_RATEABLE: 'the ticket is not resolved yet, or was already rated',
} as const;

export type ErrorCode = keyof typeof ERROR_CATALOGUE;

export class OcError extends Error {
  readonly code: ErrorCode;
  readonly details: Record<string, unknown> | undefined;

  constructor(code: ErrorCode, detail?: string, details?: Record<string, unknown>, options?: { cause?: unknown }) {
    super(detail ? `${ERROR_CATALOGUE[code]}: ${detail}` : ERROR_CATALOGUE[code], options);
    this.name = 'OcError';
    this.code = code;
    this.details = details;
  }
}

export const isOcError = (err: unknown, code?: ErrorCode): err is OcError =>
  err instanceof OcError && (code === undefined || err.code === code);
