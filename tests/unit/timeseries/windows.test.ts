import { describe, expect, it } from 'vitest';
import { isOcError } from '../../../services/shared/errors.ts';
import { alignedWindows, alignRange, denseCounts, windowCount } from '../../../services/timeseries/windows.ts';

const H = 3_600_000;

describe('windows', () => {
  it('widens a range to whole windows aligned to the epoch, and leaves an aligned one alone', () => {
    expect(alignRange({ start: 10 * H + 5, stop: 12 * H + 1 }, H)).toEqual({ start: 10 * H, stop: 13 * H });
    expect(alignRange({ start: 10 * H, stop: 12 * H }, H)).toEqual({ start: 10 * H, stop: 12 * H });
    expect(windowCount({ start: 10 * H, stop: 13 * H }, H)).toBe(3);
  });

  it('fills every window of the range, with 0 where nothing was counted', () => {
    expect(denseCounts({ start: 0, stop: 3 * H }, H, [{ time: H, count: 4 }])).toEqual([
      { time: 0, count: 0 },
      { time: H, count: 4 },
      { time: 2 * H, count: 0 },
    ]);
  });

  it('refuses empty or reversed ranges, windows under a second and more than 10 000 windows', () => {
    const invalid = (f: () => unknown) => {
      try {
        f();
      } catch (err) {
        return isOcError(err, 'OC_TIMESERIES_QUERY_INVALID');
      }
      return false;
    };
    expect(invalid(() => alignedWindows({ range: { start: 5, stop: 5 }, everyMs: 1_000 }))).toBe(true);
    expect(invalid(() => alignedWindows({ range: { start: 0, stop: H }, everyMs: 999 }))).toBe(true);
    expect(invalid(() => alignedWindows({ range: { start: 0, stop: 10_001_000 }, everyMs: 1_000 }))).toBe(true);
    expect(alignedWindows({ range: { start: 0, stop: 10_000_000 }, everyMs: 1_000 })).toEqual({ start: 0, stop: 10_000_000 });
  });
});
