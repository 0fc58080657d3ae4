import { afterEach, describe, expect, it, vi } from 'vitest';
import { ClientAdmission } from '../../../services/gateway/admission.ts';

afterEach(() => vi.useRealTimers());

describe('ClientAdmission', () => {
  it('admits a burst at once, then paces the rest in order', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = { now: () => Date.now() };
    const admitted: number[] = [];
    const admission = new ClientAdmission({ ratePerSecond: 10, burst: 3, floodAfterMs: 60_000 }, clock, () => {});
    for (let i = 0; i < 8; i++) admission.admit(() => admitted.push(i));
    expect(admitted).toEqual([0, 1, 2]);
    vi.advanceTimersByTime(250);
    expect(admitted).toEqual([0, 1, 2, 3, 4]);
    vi.advanceTimersByTime(1000);
    expect(admitted).toEqual([0, 1, 2, 3, 4, 5, 6, 7]);
    expect(admission.throttledCount).toBe(5);
    admission.close();
  });

  it('reports a flood when a client stays over its rate too long, and stops admitting', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = { now: () => Date.now() };
    let floods = 0;
    let admitted = 0;
    const admission = new ClientAdmission({ ratePerSecond: 100, burst: 10, floodAfterMs: 1000 }, clock, () => floods++);
    for (let i = 0; i < 1000; i++) admission.admit(() => admitted++);
    vi.advanceTimersByTime(5000);
    expect(floods).toBe(1);
    expect(admitted).toBeGreaterThan(10);
    expect(admitted).toBeLessThan(1000);
    const before = admitted;
    vi.advanceTimersByTime(5000);
    expect(admitted).toBe(before);
  });

  it('does not call a steady client within its rate a flood', () => {
    vi.useFakeTimers({ now: 0 });
    const clock = { now: () => Date.now() };
    let floods = 0;
    let admitted = 0;
    const admission = new ClientAdmission({ ratePerSecond: 100, burst: 10, floodAfterMs: 500 }, clock, () => floods++);
    for (let t = 0; t < 300; t++) {
      admission.admit(() => admitted++);
      vi.advanceTimersByTime(20);
    }
    expect(floods).toBe(0);
    expect(admitted).toBe(300);
    admission.close();
  });
});
