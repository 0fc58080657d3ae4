import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../services/shared/logger.ts';

/** The file's shape; `reachedAt` is there for people reading it. */
interface RecordFile {
  reachedMs: number;
  reachedAt: string;
}

/**
 * How far a live simulation's simulated time got, kept in a small JSON file in the
 * simulator's data dir, so the next `npm start` on that dir does not start before it
 * (live-start.ts, `liveStartAfter`). Written whole to a temp file and renamed over the
 * old one, so a crash mid-write leaves the previous record, never half a file.
 */
export class SimTimeRecord {
  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** The recorded time; undefined when there is none yet, or (with a warning) when it cannot be read. */
  load(): number | undefined {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      this.warnUnreadable((err as Error).message);
      return undefined;
    }
    try {
      const parsed = JSON.parse(text) as Partial<RecordFile> | null;
      const ms = parsed?.reachedMs;
      if (typeof ms === 'number' && Number.isFinite(ms)) return ms;
      this.warnUnreadable('no numeric reachedMs');
    } catch (err) {
      this.warnUnreadable((err as Error).message);
    }
    return undefined;
  }

  save(reachedMs: number): void {
    const body: RecordFile = { reachedMs, reachedAt: new Date(reachedMs).toISOString() };
    const temp = `${this.path}.${process.pid}.tmp`;
    mkdirSync(dirname(this.path), { recursive: true });
    writeFileSync(temp, `${JSON.stringify(body)}\n`);
    renameSync(temp, this.path);
  }

  private warnUnreadable(reason: string): void {
    this.logger.warn(
      { file: this.path, reason },
      'cannot read how far the last simulation got; starting as on a first run, so device times may overlap the last run (delete the file to silence this)',
    );
  }
}
