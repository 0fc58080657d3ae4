import type { DeviceKind } from '../../services/shared/envelope.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';

/** One thing a simulated device reports; `at` is simulated epoch ms (the device time). */
export interface DeviceOutput {
  channel: 'event' | 'telemetry';
  type: string;
  data: Record<string, unknown>;
  at: number;
}

/**
 * A device's behaviour. Models are event-driven on simulated time: whatever
 * tick sizes the runner uses, the same seed and script give the same outputs
 * with the same device times.
 */
export interface DeviceModel<A = unknown> {
  readonly device: PlacedDevice;
  readonly kind: DeviceKind;
  /** Puts a scripted action on the model's timeline at simulated time `atMs`. */
  schedule(action: A, atMs: number): void;
  /** Runs the model up to and including `untilMs`; returns what it reported meanwhile, in time order. */
  advance(untilMs: number): DeviceOutput[];
}

/** Shared by the models: how local hour of day is read from simulated time. */
export interface TimeOfDay {
  /** Minutes east of UTC for the site's local time (Jinan: +480). */
  utcOffsetMin: number;
}

export const DEFAULT_UTC_OFFSET_MIN = 480;

/** Local hour of day as a fraction, 0 <= h < 24. */
export function localHour(atMs: number, utcOffsetMin: number): number {
  const dayMs = 24 * 3600_000;
  const local = (((atMs + utcOffsetMin * 60_000) % dayMs) + dayMs) % dayMs;
  return local / 3600_000;
}

/** A bell-shaped bump around `centre` hours, for peaks in daily profiles. */
export function bump(hour: number, centre: number, width: number): number {
  // Distance on the 24 h circle, so a peak near midnight wraps.
  const d = Math.min(Math.abs(hour - centre), 24 - Math.abs(hour - centre));
  return Math.exp(-(d * d) / (2 * width * width));
}
