/**
 * The duty desk's queries in Flux. Every value goes in through the client's `flux`
 * template, which quotes it; tag names were checked against the schema first. Windows
 * come aligned (windows.ts), so aggregateWindow's epoch-aligned windows line up with the
 * range and `timeSrc: "_start"` labels each by its start, as the SQL does.
 */
import { flux, fluxDateTime, fluxDuration, fluxExpression, type ParameterizedQuery } from '@influxdata/influxdb-client';
import type { TimeRange } from '../port.ts';

const time = (ms: number) => fluxDateTime(new Date(ms).toISOString());
const every = (ms: number) => fluxDuration(`${ms}ms`);

/** `|> filter(...)` lines for tag equality; empty when there are none. */
function tagFilters(tags: readonly [string, string][]): ReturnType<typeof fluxExpression> {
  const lines = tags.map(([key, value]) => flux`\n  |> filter(fn: (r) => r[${key}] == ${value})`.toString());
  return fluxExpression(lines.join(''));
}

/** Raw points of one measurement, one row per point with a column per field. */
export function pointsQuery(bucket: string, measurement: string, range: TimeRange, tags: readonly [string, string][]): ParameterizedQuery {
  return flux`from(bucket: ${bucket})
  |> range(start: ${time(range.start)}, stop: ${time(range.stop)})
  |> filter(fn: (r) => r._measurement == ${measurement})${tagFilters(tags)}
  |> pivot(rowKey: ["_time"], columnKey: ["_field"], valueColumn: "_value")`;
}

/** Mean and max of a drain's level per window, as two results named "mean" and "max". */
export function drainLevelQuery(bucket: string, deviceId: string, aligned: TimeRange, everyMs: number): ParameterizedQuery {
  return flux`level = from(bucket: ${bucket})
  |> range(start: ${time(aligned.start)}, stop: ${time(aligned.stop)})
  |> filter(fn: (r) => r._measurement == "drain_level" and r._field == "level_mm" and r.device == ${deviceId})
  |> group(columns: ["device"])
  |> sort(columns: ["_time"])
level |> aggregateWindow(every: ${every(everyMs)}, fn: mean, createEmpty: false, timeSrc: "_start") |> yield(name: "mean")
level |> aggregateWindow(every: ${every(everyMs)}, fn: max, createEmpty: false, timeSrc: "_start") |> yield(name: "max")`;
}

/**
 * Per device: how many windows had a heartbeat ("windows") and its last heartbeat ("last").
 * Grouped by device alone, so a device whose site tags changed is still one device.
 */
export function uptimeQuery(bucket: string, aligned: TimeRange, everyMs: number, deviceIds: readonly string[] | undefined): ParameterizedQuery {
  const only = fluxExpression(deviceIds === undefined ? '' : flux`\n  |> filter(fn: (r) => contains(value: r.device, set: ${[...deviceIds]}))`.toString());
  return flux`beats = from(bucket: ${bucket})
  |> range(start: ${time(aligned.start)}, stop: ${time(aligned.stop)})
  |> filter(fn: (r) => r._measurement == "device_heartbeat" and r._field == "uptime_s")${only}
  |> group(columns: ["device"])
  |> sort(columns: ["_time"])
beats |> aggregateWindow(every: ${every(everyMs)}, fn: count, createEmpty: false) |> count() |> yield(name: "windows")
beats |> last() |> yield(name: "last")`;
}

/** Device events per window across all matching series. */
export function eventCountQuery(bucket: string, aligned: TimeRange, everyMs: number, tags: readonly [string, string][]): ParameterizedQuery {
  return flux`from(bucket: ${bucket})
  |> range(start: ${time(aligned.start)}, stop: ${time(aligned.stop)})
  |> filter(fn: (r) => r._measurement == "device_event" and r._field == "seq")${tagFilters(tags)}
  |> group()
  |> sort(columns: ["_time"])
  |> aggregateWindow(every: ${every(everyMs)}, fn: count, createEmpty: false, timeSrc: "_start")`;
}
