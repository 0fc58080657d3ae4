import type { Database, Statement } from 'better-sqlite3';
import type { Point } from '../port.ts';

/** The raw points table's upsert: one row per point identity (measurement, series, time, nanos). */
export class RawPoints {
  private readonly upsert: Statement;

  constructor(db: Database) {
    // Fields merge like InfluxDB's: a field written again takes the new value, others stay.
    this.upsert = db.prepare(`
      INSERT INTO points (measurement, series, device, time_ms, nanos, tags, fields) VALUES (?, ?, ?, ?, ?, ?, ?)
      ON CONFLICT (measurement, series, time_ms, nanos) DO UPDATE SET fields = json_patch(points.fields, excluded.fields)`);
  }

  /** Writes or overwrites one point; `series` is seriesKey(point). Call inside a transaction for batches. */
  write(point: Point, series: string): void {
    // Ticket points need not name a device (a compound's mass outage); '' keeps the column NOT NULL.
    this.upsert.run(point.measurement, series, point.tags.device ?? '', point.timeMs, point.nanos, JSON.stringify(point.tags), JSON.stringify(point.fields));
  }
}
