import { describe, expect, it } from 'vitest';
import { ClockSkew, roundTripOffset } from '../../../../../edge-agent/drivers/shared/clock-skew.ts';

describe('clock skew (shared by every driver)', () => {
  it('keeps device time within tolerance, corrects it beyond, and is fine again as soon as the offset is back', () => {
    const c = new ClockSkew({ toleranceMs: 10_000 });
    expect(c.isSkewed).toBe(false);
    expect(c.observe(9_000)).toBe('unchanged');
    expect([c.isSkewed, c.offsetMs]).toEqual([false, 9_000]);
    expect(c.correct(2_000_000)).toBe(2_000_000);
    expect(c.observe(-600_000)).toBe('became-skewed');
    expect(c.correct(2_000_000)).toBe(2_600_000);
    expect(c.describe()).toBe('device clock is 600 s behind the agent (tolerance 10 s)');
    expect(c.observe(10_000)).toBe('became-ok');
    expect(c.correct(2_000_000)).toBe(2_000_000);
  });

  it('with a recovery threshold, clears only within it, so an offset at the limit does not flap', () => {
    const skew = new ClockSkew({ toleranceMs: 5_000, recoverWithinMs: 2_500, subject: 'controller' });
    expect(skew.observe(4_000)).toBe('unchanged');
    expect(skew.observe(-6_000)).toBe('became-skewed');
    expect(skew.correct(100_000)).toBe(106_000);
    expect(skew.describe()).toBe('controller clock is 6 s behind the agent (tolerance 5 s)');
    expect(skew.observe(3_000)).toBe('unchanged');
    expect(skew.isSkewed).toBe(true);
    expect(skew.observe(2_000)).toBe('became-ok');
    expect(skew.correct(100_000)).toBe(100_000);
  });

  it('describes the offset in tenths of a second, with a note', () => {
    const skew = new ClockSkew({ toleranceMs: 60_000 });
    skew.observe(3_600_049.9);
    expect(skew.describe('not set since power-up')).toBe('device clock is 3600 s ahead of the agent (not set since power-up; tolerance 60 s)');
    skew.observe(61_260);
    expect(skew.describe()).toBe('device clock is 61.3 s ahead of the agent (tolerance 60 s)');
  });

  it('measures a clock read over a round trip against its midpoint', () => {
    expect(roundTripOffset(10_500, 10_000, 11_000)).toBe(0);
    expect(roundTripOffset(70_500, 10_000, 11_000)).toBe(60_000);
    expect(roundTripOffset(500, 10_000, 11_000)).toBe(-10_000);
    expect(roundTripOffset(10_500, 1_000, 2_000)).toBe(9_000);
  });
});
