import { describe, expect, it } from 'vitest';
import { SignInThrottle, type ThrottlePolicy } from '../../../services/api/auth/sign-in-throttle.ts';
import { ManualClock } from '../../../services/shared/clock.ts';

const MIN = 60_000;
const policy: ThrottlePolicy = { freeFailures: 5, windowMs: 15 * MIN, firstLockMs: 30_000, maxLockMs: 15 * MIN, maxTracked: 3 };

function setup() {
  const clock = new ManualClock(1_000_000);
  return { clock, throttle: new SignInThrottle(clock, policy) };
}

describe('sign-in throttle', () => {
  it('holds a login back after five failures, doubling the hold with each further failure up to the cap', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 4; i++) throttle.failed('desk');
    expect(throttle.waitMs('desk')).toBe(0);
    throttle.failed('desk');
    expect(throttle.waitMs('desk')).toBe(30_000);
    clock.advance(30_000);
    expect(throttle.waitMs('desk')).toBe(0);
    throttle.failed('desk');
    expect(throttle.waitMs('desk')).toBe(60_000);
    for (let i = 0; i < 10; i++) throttle.failed('desk');
    expect(throttle.waitMs('desk')).toBe(15 * MIN);
  });

  it('counts per login, and forgives on success', () => {
    const { throttle } = setup();
    for (let i = 0; i < 5; i++) throttle.failed('desk');
    expect(throttle.waitMs('manager')).toBe(0);
    throttle.succeeded('desk');
    expect(throttle.waitMs('desk')).toBe(0);
  });

  it('starts counting again after a quiet window', () => {
    const { clock, throttle } = setup();
    for (let i = 0; i < 4; i++) throttle.failed('desk');
    clock.advance(15 * MIN);
    throttle.failed('desk');
    expect(throttle.waitMs('desk')).toBe(0);
  });

  it('remembers a bounded number of logins, dropping the longest quiet first', () => {
    const { throttle } = setup();
    for (const login of ['a1', 'b2', 'c3', 'd4']) for (let i = 0; i < 5; i++) throttle.failed(login);
    expect(throttle.waitMs('a1')).toBe(0);
    expect(throttle.waitMs('d4')).toBe(30_000);
  });
});
