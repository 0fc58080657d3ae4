import { isOcError, OcError } from '../shared/errors.ts';
import type { Point, TimeSeriesWriter } from '../timeseries/port.ts';
import { backoffDelay, waitOrAbort, type BackoffSettings } from './backoff.ts';

export interface RefusedPoint {
  /** Index in the points given. */
  index: number;
  reason: string;
}

export interface WriteUntilAcceptedOptions {
  store: TimeSeriesWriter;
  backoff: BackoffSettings;
  /** Aborting ends the waiting: the call then rejects and the points count as not written. */
  signal: AbortSignal;
  /** A write failed and will be tried again after a back-off. */
  onUnavailable?: (attempt: number, err: unknown) => void;
  /** A write went through after `failures` failed tries. */
  onRecovered?: (failures: number) => void;
}

/**
 * Writes the points until the store has them all, except those it refuses as points.
 * While the store is unavailable the same points are tried again with back-off, for as
 * long as it takes: the caller holds its log batch meanwhile, which is how consumption
 * stops instead of points being dropped. When the store refuses the points themselves,
 * the batch is halved until each refused point stands alone; the others are written
 * (again: points are idempotent, so writing an accepted half twice is harmless).
 */
export async function writeUntilAccepted(points: readonly Point[], o: WriteUntilAcceptedOptions): Promise<RefusedPoint[]> {
  if (points.length === 0) return [];
  try {
    await writeWhileUnavailable(points, o);
    return [];
  } catch (err) {
    if (!isOcError(err, 'OC_TIMESERIES_REJECTED')) throw err;
    if (points.length === 1) return [{ index: 0, reason: err.message }];
    const middle = Math.ceil(points.length / 2);
    const left = await writeUntilAccepted(points.slice(0, middle), o);
    const right = await writeUntilAccepted(points.slice(middle), o);
    return [...left, ...right.map((r) => ({ ...r, index: r.index + middle }))];
  }
}

async function writeWhileUnavailable(points: readonly Point[], o: WriteUntilAcceptedOptions): Promise<void> {
  for (let failures = 0; ; ) {
    if (o.signal.aborted) throw stopped(undefined);
    try {
      await o.store.write(points);
      if (failures > 0) o.onRecovered?.(failures);
      return;
    } catch (err) {
      // Refused points are the caller's to split; a closed store will not open again.
      if (isOcError(err, 'OC_TIMESERIES_REJECTED') || isOcError(err, 'OC_TIMESERIES_CLOSED')) throw err;
      failures += 1;
      o.onUnavailable?.(failures, err);
      try {
        await waitOrAbort(backoffDelay(failures, o.backoff), o.signal);
      } catch {
        throw stopped(err);
      }
    }
  }
}

const stopped = (cause: unknown): OcError =>
  new OcError('OC_TIMESERIES_UNAVAILABLE', 'stopped while waiting for the store; the batch stays uncommitted', undefined, { cause });
