/** Time as a port, so that domain code and tests can travel in time. */
export interface Clock {
  now(): number;
}

export const systemClock: Clock = { now: () => Date.now() };

/** A clock that only moves when told to; for tests and simulations. */
export class ManualClock implements Clock {
  constructor(private current = 0) {}
  now(): number {
    return this.current;
  }
  advance(ms: number): void {
    this.current += ms;
  }
  set(ms: number): void {
    this.current = ms;
  }
}

/**
 * A clock that starts at `startMs` and runs at the speed of `base`: the system clock as
 * if it had been set to another instant. Tests pin a live run's start to an hour of their
 * choosing (03:00 in Shanghai, a day change) while its timers still run in real time.
 */
export function clockStartingAt(startMs: number, base: Clock = systemClock): Clock {
  const offset = startMs - base.now();
  return { now: () => base.now() + offset };
}
