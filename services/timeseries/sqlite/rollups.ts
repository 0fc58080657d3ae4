import type { Database, Statement } from 'better-sqlite3';
import type { Clock } from '../../shared/clock.ts';
import type { FieldValue, Point } from '../port.ts';
import { windowStart } from '../windows.ts';
import { milliSql, ROLLUP_TIERS, rollupSpec } from './rollup-spec.ts';
import { jsonPath } from './window-sources.ts';

type Fields = Readonly<Record<string, FieldValue>>;

/** Named parameters of the rollup_fields statements. */
interface FieldKey {
  window: number;
  series: number;
  field: string;
  start: number;
}

/**
 * Keeps the rollup tables (rollup-spec.ts) in step with the raw points, inside the
 * transaction that writes them: a batch lands in raw points and rollups together or not at all.
 *
 * A point written again (same measurement, series, time and nanos) overwrites its fields
 * and must not be counted twice. Before the raw upsert, the fields the point already had
 * are read (one lookup on the identity index), and the rollups move by the difference:
 * the count stays, the sum moves by new − old, min and max take in the new value. That is
 * exact unless the old value was the window's min or max and the new one lies inside:
 * only then is that field's window computed again from the raw points, which hold all of
 * it while the window is within the raw retention.
 *
 * Why not always recompute the touched windows from raw points: it costs a scan of each
 * window per write where adjusting costs a lookup, and once the raw retention has deleted
 * part of a window, a late point landing in it (an agent's queue flushed after a long
 * outage) would wipe the window's counts down to what is left. The usual overwrite, a
 * redelivered batch, carries the same values and costs just the lookup. Past the raw
 * retention, a moved extreme can only be widened: such a window may keep the replaced
 * value as its min or max, while its count, sum and mean stay exact.
 *
 * Known limit: a point older than the raw retention, written again after the sweeper
 * deleted its first copy, finds nothing to compare with and is counted again. (InfluxDB
 * refuses points older than a bucket's retention; the embedded store takes late points,
 * so that an agent's long-held queue still reaches the long-lived rollups.)
 */
export class RollupMaintenance {
  private readonly stored: Statement;
  private readonly seriesIdOf: Statement;
  private readonly insertSeries: Statement;
  private readonly addPoint: Statement;
  private readonly touchPoint: Statement;
  private readonly addValue: Statement;
  private readonly replaceInside: Statement;
  private readonly replaceWidening: Statement;
  private readonly recompute: Statement;

  constructor(
    db: Database,
    private readonly clock: Clock,
    /** Raw points older than this may be gone; undefined: kept for ever. */
    private readonly rawRetentionMs: number | undefined,
  ) {
    this.stored = db.prepare('SELECT fields FROM points WHERE measurement = ? AND series = ? AND time_ms = ? AND nanos = ?');
    this.seriesIdOf = db.prepare('SELECT id FROM rollup_series WHERE series = ?');
    this.insertSeries = db.prepare('INSERT INTO rollup_series (series, measurement, device, tags) VALUES (?, ?, ?, ?)');
    // The newest point of a window by (time, nanos); a point written again replaces itself.
    const newer = '(excluded.last_ms, excluded.last_nanos) >= (rollup_windows.last_ms, rollup_windows.last_nanos)';
    this.addPoint = db.prepare(`
      INSERT INTO rollup_windows (window_ms, series_id, start_ms, points, last_ms, last_nanos, last_fields)
      VALUES (@window, @series, @start, 1, @time, @nanos, @fields)
      ON CONFLICT (window_ms, series_id, start_ms) DO UPDATE SET
        points = points + 1,
        last_ms = CASE WHEN ${newer} THEN excluded.last_ms ELSE last_ms END,
        last_nanos = CASE WHEN ${newer} THEN excluded.last_nanos ELSE last_nanos END,
        last_fields = CASE WHEN ${newer} THEN excluded.last_fields ELSE last_fields END`);
    // An overwrite: counted already. A window the retention deleted stays deleted.
    this.touchPoint = db.prepare(`
      UPDATE rollup_windows SET last_ms = @time, last_nanos = @nanos, last_fields = @fields
      WHERE window_ms = @window AND series_id = @series AND start_ms = @start AND (@time, @nanos) >= (last_ms, last_nanos)`);
    this.addValue = db.prepare(`
      INSERT INTO rollup_fields (window_ms, series_id, field, start_ms, count, sum_milli, min_value, max_value)
      VALUES (@window, @series, @field, @start, 1, ${milliSql('@value')}, @value, @value)
      ON CONFLICT (window_ms, series_id, field, start_ms) DO UPDATE SET
        count = count + 1,
        sum_milli = sum_milli + excluded.sum_milli,
        min_value = min(min_value, excluded.min_value),
        max_value = max(max_value, excluded.max_value)`);
    // A window of one value is that value.
    const replace = `UPDATE rollup_fields SET
        sum_milli = sum_milli - ${milliSql('@old')} + ${milliSql('@value')},
        min_value = CASE WHEN count = 1 THEN @value ELSE min(min_value, @value) END,
        max_value = CASE WHEN count = 1 THEN @value ELSE max(max_value, @value) END
      WHERE window_ms = @window AND series_id = @series AND field = @field AND start_ms = @start`;
    // Exact when the old value did not hold up the min or the max the new one leaves.
    this.replaceInside = db.prepare(`${replace} AND (count = 1 OR ((@old > min_value OR @value <= @old) AND (@old < max_value OR @value >= @old)))`);
    this.replaceWidening = db.prepare(replace);
    this.recompute = db.prepare(`
      UPDATE rollup_fields SET (count, sum_milli, min_value, max_value) = (
        SELECT COUNT(v), SUM(${milliSql('v')}), MIN(v), MAX(v)
        FROM (SELECT json_extract(fields, @path) AS v FROM points
              WHERE measurement = @measurement AND series = @seriesKey AND time_ms >= @start AND time_ms < @stop)
        WHERE v IS NOT NULL)
      WHERE window_ms = @window AND series_id = @series AND field = @field AND start_ms = @start`);
  }

  /**
   * Writes one point through `writeRaw` (the raw upsert) and brings its rollups along.
   * Must run inside the write transaction, one point after the other: a batch may hold
   * the same point twice, and the second must see the first.
   */
  write(point: Point, series: string, writeRaw: () => void): void {
    const spec = rollupSpec(point.measurement);
    if (!spec) {
      writeRaw();
      return;
    }
    const row = this.stored.get(point.measurement, series, point.timeMs, point.nanos) as { fields: string } | undefined;
    const before = row === undefined ? undefined : (JSON.parse(row.fields) as Fields);
    writeRaw();
    // What the raw row holds now: fields not written again stay (json_patch).
    const merged: Fields = before === undefined ? point.fields : { ...before, ...point.fields };
    const seriesId = this.seriesId(point, series);
    const last = { time: point.timeMs, nanos: point.nanos, fields: spec.keepLast ? JSON.stringify(merged) : null };
    for (const tier of ROLLUP_TIERS) {
      const start = windowStart(point.timeMs, tier.windowMs);
      (before === undefined ? this.addPoint : this.touchPoint).run({ window: tier.windowMs, series: seriesId, start, ...last });
      for (const field of spec.fields) {
        this.applyValue({ window: tier.windowMs, series: seriesId, field, start }, before?.[field], merged[field], point.measurement, series);
      }
    }
  }

  private applyValue(key: FieldKey, old: FieldValue | undefined, value: FieldValue | undefined, measurement: string, seriesKey: string): void {
    if (typeof value !== 'number') return;
    if (typeof old !== 'number') {
      this.addValue.run({ ...key, value });
      return;
    }
    if (old === value) return;
    if (this.replaceInside.run({ ...key, old, value }).changes > 0) return;
    if (this.rawHolds(key.start)) {
      this.recompute.run({ ...key, path: jsonPath(key.field), measurement, seriesKey, stop: key.start + key.window });
    } else {
      this.replaceWidening.run({ ...key, old, value });
    }
  }

  /** Whether no raw point of the window starting at `start` can have been deleted yet. */
  private rawHolds(start: number): boolean {
    return this.rawRetentionMs === undefined || start >= this.clock.now() - this.rawRetentionMs;
  }

  private seriesId(point: Point, series: string): number {
    const found = this.seriesIdOf.get(series) as { id: number } | undefined;
    if (found) return found.id;
    // Ticket points need not name a device; only device measurements are rolled up, but '' keeps the column NOT NULL.
    return Number(this.insertSeries.run(series, point.measurement, point.tags.device ?? '', JSON.stringify(point.tags)).lastInsertRowid);
  }
}
