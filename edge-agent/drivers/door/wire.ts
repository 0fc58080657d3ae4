/**
 * The door controller's HTTP/JSON interface as it appears on the wire (README.md
 * in this folder is the prose version). Shared by the driver and the simulator so
 * both name the same paths and fields; parsing and checking live in the driver
 * only (line-parser.ts), because a real controller gives no such guarantees.
 */

export const DOOR_API = {
  login: '/api/v1/auth/login',
  info: '/api/v1/info',
  time: '/api/v1/time',
  events: '/api/v1/events',
} as const;

/** The event stream's media type: one JSON object per line, chunked. */
export const NDJSON_MEDIA_TYPE = 'application/x-ndjson';

export type ReaderSide = 'in' | 'out';
export type OpenCause = 'grant' | 'exit' | 'forced';

/** What the controller journals; `seq` and `time` are added when it is journalled. */
export type ControllerEventBody =
  /** A card was accepted at a reader. `card` is the raw card number (a Wiegand/Mifare UID in decimal). */
  | { type: 'card.granted'; reader: ReaderSide; card: string }
  | { type: 'card.denied'; reader: ReaderSide; card: string; reason: string }
  | { type: 'exit.button' }
  /** The door contact opened; the controller knows why (a grant, the exit button, or neither). */
  | { type: 'door.open'; cause: OpenCause }
  | { type: 'door.close'; openMs: number }
  /** Contact opened without a grant or exit request. */
  | { type: 'alarm.forced' }
  /** Door still open `openMs` after a legitimate opening, past the controller's threshold. */
  | { type: 'alarm.held'; openMs: number; thresholdMs: number }
  | { type: 'tamper'; reason: string };

export type ControllerEventType = ControllerEventBody['type'];

/**
 * A journalled event. `seq` counts from 1, never repeats and never resets while
 * the journal (`journalId`) lives, across power cycles; `time` is the
 * controller's clock, ISO 8601 with zone.
 */
export type ControllerEvent = ControllerEventBody & { seq: number; time: string };

/** Sent when a stream opens and every keepalive interval: proof of life and the controller's clock. */
export interface KeepaliveLine {
  type: 'keepalive';
  time: string;
  /** Newest journalled seq (0 when the journal is empty). */
  headSeq: number;
}

export interface LoginRequest {
  username: string;
  password: string;
}

export interface LoginResponse {
  token: string;
  expiresInS: number;
}

export interface InfoResponse {
  vendor: string;
  model: string;
  serialNumber: string;
  firmware: string;
  /** Changes on every power cycle. */
  bootId: string;
  uptimeS: number;
  journal: {
    /** Changes only when the journal is wiped (factory reset, replaced controller). */
    id: string;
    oldestSeq: number;
    headSeq: number;
    capacity: number;
  };
}

export interface TimeResponse {
  time: string;
  epochMs: number;
}

/** Body of every 4xx/5xx answer. */
export interface ErrorResponse {
  error: string;
  headSeq?: number;
}
