import { describe, expect, it } from 'vitest';
import { chartWindowMs } from '../../../services/api/routes/series.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

describe('chart window sizes', () => {
  it.each([
    ['2 h in 240 points: 30 s', 2 * HOUR, 240, 30_000],
    ['10 min in 240 points: never below the sensors’ 15 s', 10 * MIN, 240, 15_000],
    ['12 h in 240 points: 3 min, whole seconds', 12 * HOUR, 240, 3 * MIN],
    ['2 days in 240 points: 12 min rounds up to 15 min (5-minute rollups)', 48 * HOUR, 240, 15 * MIN],
    ['62 h in 240 points: 15.5 min rounds up to 20 min', 62 * HOUR, 240, 20 * MIN],
    ['30 days in 240 points: 3 h (hourly rollups)', 30 * 24 * HOUR, 240, 3 * HOUR],
    ['31 days in 240 points: 3.1 h rounds up to 4 h', 31 * 24 * HOUR, 240, 4 * HOUR],
  ])('%s', (_name, span, max, expected) => {
    expect(chartWindowMs(span, max)).toBe(expected);
  });

  it('never gives more than the points asked for', () => {
    for (const span of [HOUR, 7 * 24 * HOUR, 93 * 24 * HOUR, 400 * 24 * HOUR]) {
      for (const max of [60, 240, 1000]) expect(Math.ceil(span / chartWindowMs(span, max))).toBeLessThanOrEqual(max);
    }
  });
});
