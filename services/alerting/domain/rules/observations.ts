/** Reading observations safely: device payloads are validated as envelopes, not field by field. */
import type { Observation } from '../model.ts';
import type { RuleStateStore } from './state-store.ts';

export type EnvelopeObservation = Extract<Observation, { kind: 'envelope' }>;
export type StatusObservation = Extract<Observation, { kind: 'status' }>;

export function deviceIdOf(o: Observation): string {
  return o.kind === 'status' ? o.deviceId : o.envelope.deviceId;
}

/**
 * When the device says it happened. Durations and rates of what a device
 * measured use this, so a queue flushed after a reconnect keeps its real spacing;
 * falls back to the service time when the device clock is unreadable.
 */
export function deviceTimeOf(o: EnvelopeObservation): number {
  const t = Date.parse(o.envelope.ts);
  return Number.isFinite(t) ? t : o.at;
}

export function numberField(data: Record<string, unknown>, key: string): number | undefined {
  const v = data[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

export function stringField(data: Record<string, unknown>, key: string): string | undefined {
  const v = data[key];
  return typeof v === 'string' ? v : undefined;
}

/** How many event ids per device are remembered; a redelivery comes much sooner than this many later events. */
export const RECENT_EVENT_IDS = 128;

/**
 * Records `eventId` as seen for the device; false if it was already seen.
 * At-least-once delivery repeats events; acting twice would emit twice.
 */
export function firstSighting(state: RuleStateStore, deviceId: string, eventId: string): boolean {
  const key = `seen/${deviceId}`;
  const recent = state.get<string[]>(key) ?? [];
  if (recent.includes(eventId)) return false;
  recent.push(eventId);
  if (recent.length > RECENT_EVENT_IDS) recent.splice(0, recent.length - RECENT_EVENT_IDS);
  state.set(key, recent);
  return true;
}
