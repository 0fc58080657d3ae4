/**
 * Which of the embedded store's tables answers a windowed query: the coarsest one that
 * still has the resolution asked for over the whole range. Pure, so the rule is tested
 * on its own (tests/unit/timeseries/source-choice.test.ts).
 */
import type { TimeRange } from '../port.ts';
import type { TierName } from './rollup-spec.ts';

export type Source = 'raw' | TierName;

export interface SourceCandidate {
  source: Source;
  /** Resolution: query windows must be whole multiples of it. Raw points: 1 ms (any window). */
  windowMs: number;
  /** How long it keeps data; undefined: for ever. */
  retentionMs: number | undefined;
}

/**
 * A source can answer when the query's window is a whole multiple of its own (windows
 * are all epoch-aligned, so each query window is then made of whole source windows).
 * Among those, the coarsest that still holds the whole range (nothing older than the
 * range start deleted yet) reads the fewest rows and gives the same numbers. When none
 * holds the whole range, the one reaching furthest back answers: the range's older part
 * has no data at that resolution any more in any table.
 */
export function chooseSource(aligned: TimeRange, everyMs: number, now: number, candidates: readonly SourceCandidate[]): Source {
  const usable = candidates.filter((c) => everyMs % c.windowMs === 0).sort((a, b) => a.windowMs - b.windowMs);
  if (usable.length === 0) return 'raw';
  const oldestKept = (c: SourceCandidate) => (c.retentionMs === undefined ? Number.NEGATIVE_INFINITY : now - c.retentionMs);
  const holding = usable.filter((c) => oldestKept(c) <= aligned.start);
  if (holding.length > 0) return holding[holding.length - 1]!.source;
  // Coarser wins a tie: same reach, fewer rows.
  return usable.reduce((best, c) => (oldestKept(c) <= oldestKept(best) ? c : best)).source;
}
