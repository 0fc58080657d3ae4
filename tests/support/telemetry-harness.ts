import { buildEnvelope } from '../../edge-agent/envelope-builder.ts';
import { pollUntil } from './poll-until.ts';
import type { ProduceRecord } from '../../services/event-log/port.ts';
import { OcError } from '../../services/shared/errors.ts';
import type { PlacedDevice } from '../../services/site/devices.ts';
import type { Point, TimeSeriesWriter } from '../../services/timeseries/port.ts';

/** Envelopes for the log as the gateway appends them (key = device id), with per-device seq. */
export class EnvelopeSource {
  private readonly seq = new Map<string, number>();
  constructor(private readonly startMs: number) {}

  record(device: PlacedDevice, type: string, data: Record<string, unknown>, offsetMs = 0): ProduceRecord {
    const seq = this.seq.get(device.id) ?? 0;
    this.seq.set(device.id, seq + 1);
    const { payload } = buildEnvelope({ deviceId: device.id, kind: device.kind, type, seq, timeMs: this.startMs + offsetMs, data });
    // Received when it was sent, as the gateway would have: the log's time is the receive time.
    return { key: device.id, value: payload, timestamp: this.startMs + offsetMs };
  }

  level(device: PlacedDevice, levelMm: number, offsetMs = 0): ProduceRecord {
    return this.record(device, 'drain.level', { levelMm, distanceMm: device.depthMm! - levelMm, depthMm: device.depthMm, batteryPct: 80, rssiDbm: -90, overflow: false }, offsetMs);
  }
}

/**
 * A real store behind a switch: while `down`, every write fails as an unreachable store
 * would (OC_TIMESERIES_UNAVAILABLE) and reaches nothing. Counts the writes that got through.
 */
export class SwitchableStore implements TimeSeriesWriter {
  down = false;
  attemptsWhileDown = 0;
  /** Every point of every call, accepted or not, in call order. */
  readonly attempted: Point[][] = [];
  readonly accepted: Point[] = [];
  constructor(private readonly inner: TimeSeriesWriter) {}

  async write(points: readonly Point[]): Promise<void> {
    this.attempted.push([...points]);
    if (this.down) {
      this.attemptsWhileDown += 1;
      throw new OcError('OC_TIMESERIES_UNAVAILABLE', 'connect ECONNREFUSED (switched off by the test)');
    }
    await this.inner.write(points);
    this.accepted.push(...points);
  }
}

/** Polls an async condition until it holds; fails with `what` after the deadline (generous: loaded CI machines). */
export async function eventually(check: () => Promise<boolean> | boolean, what: string, timeoutMs = 60_000): Promise<void> {
  await pollUntil(what, check, { timeoutMs });
}
