import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import type { Logger } from '../services/shared/logger.ts';

/** How far a live simulation got, and what of its script that covers. */
export interface SimProgress {
  /** Simulated time the run reached. */
  reachedMs: number;
  /** The scenario that played (its name, or its file). */
  scenario?: string | undefined;
  /** When that scenario's script started, in simulated time: its incidents' `at` count from here on every restart. */
  scriptStartMs?: number | undefined;
  /** The scripted incidents simulated time got past (live-start.ts `incidentLabel`), for people reading the file. */
  played?: readonly string[] | undefined;
}

/** The file's shape; the `…At` fields are there for people reading it. */
interface RecordFile extends SimProgress {
  reachedAt: string;
  scriptStartAt?: string;
}

/**
 * How far a live simulation's simulated time got, kept in a small JSON file in the
 * simulator's data dir, so the next `npm start` on that dir does not start before it
 * (live-start.ts, `liveStartAfter`), with when the scenario's script started and which
 * incidents it played, so a restart fires none of them twice (`resumeScript`). Written whole to a temp file and renamed over the
 * old one, so a crash mid-write leaves the previous record, never half a file.
 */
export class SimTimeRecord {
  constructor(
    readonly path: string,
    private readonly logger: Logger,
  ) {}

  /** The recorded progress; undefined when there is none yet, or (with a warning) when it cannot be read. */
  load(): SimProgress | undefined {
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
      if (typeof ms === 'number' && Number.isFinite(ms)) {
        const start = parsed?.scriptStartMs;
        return {
          reachedMs: ms,
          scenario: typeof parsed?.scenario === 'string' ? parsed.scenario : undefined,
          scriptStartMs: typeof start === 'number' && Number.isFinite(start) ? start : undefined,
          played: Array.isArray(parsed?.played) ? parsed.played.filter((p): p is string => typeof p === 'string') : undefined,
        };
      }
      this.warnUnreadable('no numeric reachedMs');
    } catch (err) {
      this.warnUnreadable((err as Error).message);
    }
    return undefined;
  }

  save(progress: SimProgress | number): void {
    const p = typeof progress === 'number' ? { reachedMs: progress } : progress;
    const body: RecordFile = { ...p, reachedAt: new Date(p.reachedMs).toISOString() };
    if (p.scriptStartMs !== undefined) body.scriptStartAt = new Date(p.scriptStartMs).toISOString();
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
