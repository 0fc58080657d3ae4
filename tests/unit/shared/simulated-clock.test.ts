import { describe, expect, it } from 'vitest';
import { ManualClock, SimulatedClock, systemClock, systemTimers, timersOf } from '../../../services/shared/clock.ts';

describe('SimulatedClock: timers in simulated time', () => {
  it('runs due timers in order of due time, each seeing its own due time as now', () => {
    const clock = new SimulatedClock(1_000);
    const seen: Array<[string, number]> = [];
    clock.after(300, () => seen.push(['b', clock.now()]));
    clock.after(100, () => seen.push(['a', clock.now()]));
    clock.after(300, () => seen.push(['c', clock.now()]));
    clock.advance(250);
    expect(seen).toEqual([['a', 1_100]]);
    expect(clock.now()).toBe(1_250);
    clock.advanceTo(5_000);
    expect(seen).toEqual([['a', 1_100], ['b', 1_300], ['c', 1_300]]);
    expect(clock.now()).toBe(5_000);
    expect(clock.pendingTimers()).toBe(0);
  });

  it('fires an interval once per period crossed, and not after cancel', () => {
    const clock = new SimulatedClock(0);
    const ticks: number[] = [];
    const timer = clock.every(5_000, () => ticks.push(clock.now()));
    clock.set(17_000);
    expect(ticks).toEqual([5_000, 10_000, 15_000]);
    timer.cancel();
    clock.advance(60_000);
    expect(ticks).toHaveLength(3);
  });

  it('runs a timer that a timer sets when it falls due within the same advance', () => {
    const clock = new SimulatedClock(0);
    const seen: number[] = [];
    clock.after(10, () => clock.after(10, () => seen.push(clock.now())));
    clock.advance(25);
    expect(seen).toEqual([20]);
  });

  it('going back in time fires nothing', () => {
    const clock = new SimulatedClock(10_000);
    let fired = false;
    clock.after(1, () => (fired = true));
    clock.advanceTo(5_000);
    expect(fired).toBe(false);
    expect(clock.now()).toBe(10_000);
  });

  it('refuses an interval without a positive period', () => {
    expect(() => new SimulatedClock().every(0, () => undefined)).toThrow(RangeError);
  });

  it('timersOf: a clock with timers brings them; a ManualClock gets Node timers', () => {
    const sim = new SimulatedClock();
    expect(timersOf(sim)).toBe(sim);
    expect(timersOf(new ManualClock())).toBe(systemTimers);
    expect(timersOf(systemClock)).toBe(systemClock);
  });
});
