/**
 * The time-series port. Shaped after InfluxDB so that the client adapter fits behind it
 * unchanged: points are a measurement, tags, typed fields and a time; a point with the
 * same measurement, tags and time as a stored one overwrites its fields (which is what
 * makes a redelivered batch harmless). The measurements, their tags and field types are
 * fixed by ./measurements.ts; both adapters refuse anything else.
 */

export type FieldValue = number | boolean | string;

export interface Point {
  measurement: string;
  tags: Readonly<Record<string, string>>;
  fields: Readonly<Record<string, FieldValue>>;
  /** Milliseconds since the epoch, an integer. */
  timeMs: number;
  /**
   * Nanoseconds within that millisecond (0..999 999). Device clocks give milliseconds, so
   * the writer puts the envelope's seq here: two readings of one device in one millisecond
   * stay two points, and the same reading written twice stays one.
   */
  nanos: number;
}

/** Half-open, in milliseconds since the epoch: start <= t < stop. */
export interface TimeRange {
  start: number;
  stop: number;
}

/** Tag equality filters; keys must be tags of the measurement asked for. */
export type TagFilter = Readonly<Record<string, string>>;

export interface PointQuery {
  measurement: string;
  range: TimeRange;
  tags?: TagFilter;
}

/** Windowed queries: the range is widened to whole windows (start floored, stop ceiled to everyMs). */
export interface WindowedQuery {
  range: TimeRange;
  everyMs: number;
}

export interface LevelQuery extends WindowedQuery {
  deviceId: string;
}

/** One window of a drain's level; windows without readings are absent (a gap in the chart). */
export interface LevelWindow {
  /** Window start, ms. */
  time: number;
  meanMm: number;
  maxMm: number;
}

export interface UptimeQuery extends WindowedQuery {
  /** Only these devices; all that sent heartbeats when absent. */
  deviceIds?: readonly string[];
}

export interface DeviceUptime {
  deviceId: string;
  /** Device time of its last heartbeat in the range, ms. */
  lastHeartbeatAt: number;
  /** The agent's own uptime in that heartbeat, seconds. */
  uptimeS: number;
  /** Windows of the (widened) range in which at least one heartbeat arrived. */
  windowsReporting: number;
}

export interface EventCountQuery extends WindowedQuery {
  /** Tag equality filters on `device_event` (community, compound, building, place, device, kind, type). */
  tags?: TagFilter;
}

export interface CountWindow {
  time: number;
  count: number;
}

export interface TimeSeriesWriter {
  /**
   * Resolves once the store has accepted every point (durably, as far as the store
   * promises). Rejects with OcError OC_TIMESERIES_UNAVAILABLE when trying again later may
   * work (store down, timeout, auth), OC_TIMESERIES_REJECTED when these points themselves
   * are refused (nothing of the call may be assumed written or not: write them again).
   */
  write(points: readonly Point[]): Promise<void>;
}

export interface TimeSeriesReader {
  /** Raw points in time order (then series), exactly as written. */
  readPoints(query: PointQuery): Promise<Point[]>;
  /** A drain's level per window (device time): mean and max of `level_mm`, for charts. */
  drainLevel(query: LevelQuery): Promise<LevelWindow[]>;
  /** Per device that sent heartbeats in the range: the last one, and in how many windows it reported. */
  deviceUptime(query: UptimeQuery): Promise<DeviceUptime[]>;
  /** Device events per window over the whole widened range, windows without events counted as 0. */
  eventCounts(query: EventCountQuery): Promise<CountWindow[]>;
}

export interface TimeSeriesStore extends TimeSeriesWriter, TimeSeriesReader {
  /** Waits for writes in progress, then releases the connection or file. Idempotent. */
  close(): Promise<void>;
}
