/** Time as a port, so that domain code and tests can travel in time. */
export interface Clock {
  now(): number;
}

/** A scheduled piece of work; `cancel()` is safe to call more than once, and after it ran. */
export interface Timer {
  cancel(): void;
}

/**
 * Timers as a port: the same code waits in wall time under the system clock and in
 * simulated time under a SimulatedClock, so a scenario played fast fires what it would
 * fire in real time (deadlines, reminders, rule ticks, retries).
 */
export interface Timers {
  /** Runs `fn` once, `ms` from now. */
  after(ms: number, fn: () => void): Timer;
  /** Runs `fn` every `ms` from now on, until cancelled. */
  every(ms: number, fn: () => void): Timer;
}

/** A clock that also schedules: what services read "now" and wait on. */
export interface TimedClock extends Clock, Timers {}

/**
 * Node's timers, unref'd: a pending retry or tick never keeps a finished process alive
 * (the servers and sockets a service holds do that while it runs).
 */
export const systemTimers: Timers = {
  after(ms, fn) {
    const handle = setTimeout(fn, Math.max(0, ms));
    handle.unref();
    return { cancel: () => clearTimeout(handle) };
  },
  every(ms, fn) {
    const handle = setInterval(fn, ms);
    handle.unref();
    return { cancel: () => clearInterval(handle) };
  },
};

export const systemClock: TimedClock = { now: () => Date.now(), after: systemTimers.after, every: systemTimers.every };

/** Whether a clock schedules its own timers (the system clock, a SimulatedClock). */
export function isTimedClock(clock: Clock): clock is TimedClock {
  const c = clock as Partial<TimedClock>;
  return typeof c.after === 'function' && typeof c.every === 'function';
}

/**
 * The timers that belong to a clock: its own when it has them, else Node's. A test's
 * ManualClock keeps real timers (the test ticks by hand); a SimulatedClock brings its own.
 */
export function timersOf(clock: Clock): Timers {
  return isTimedClock(clock) ? clock : systemTimers;
}

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

interface Scheduled {
  due: number;
  /** Order of scheduling: timers due at the same instant run in the order they were set. */
  seq: number;
  fn: () => void;
  /** Set for `every`: its period. */
  periodMs?: number;
  cancelled: boolean;
}

/**
 * Simulated time with timers. It moves only when told (`advance`, `advanceTo`, `set`);
 * moving forward runs every timer that falls due on the way, in order of due time, with
 * `now()` reading each timer's own due time while it runs. A scenario that drives it
 * therefore sees the platform's timers (SLA deadlines, escalations, rule ticks) fire at
 * the simulated instants they would fire at in real time, however fast it plays.
 */
export class SimulatedClock implements TimedClock {
  private current: number;
  private seq = 0;
  private queue: Scheduled[] = [];

  constructor(startMs = 0) {
    this.current = startMs;
  }

  now(): number {
    return this.current;
  }

  after(ms: number, fn: () => void): Timer {
    return this.schedule({ due: this.current + Math.max(0, ms), seq: this.seq++, fn, cancelled: false });
  }

  every(ms: number, fn: () => void): Timer {
    if (!(ms > 0)) throw new RangeError(`an interval needs a positive period, not ${ms}`);
    return this.schedule({ due: this.current + ms, seq: this.seq++, fn, periodMs: ms, cancelled: false });
  }

  /** Moves time forward by `ms`, running the timers that fall due. */
  advance(ms: number): void {
    this.advanceTo(this.current + Math.max(0, ms));
  }

  /** Moves time to `ms`, running the timers due up to and including it. A time in the past changes nothing. */
  advanceTo(ms: number): void {
    for (let next = this.nextDue(ms); next; next = this.nextDue(ms)) {
      this.current = Math.max(this.current, next.due);
      if (next.periodMs !== undefined) {
        // Rescheduled before it runs, so a throwing interval keeps its rhythm.
        next.due += next.periodMs;
        next.seq = this.seq++;
      } else {
        next.cancelled = true;
      }
      next.fn();
    }
    this.current = Math.max(this.current, ms);
  }

  /** For runners that set time (a SettableClock): the same as `advanceTo`. */
  set(ms: number): void {
    this.advanceTo(ms);
  }

  /** Timers still waiting (tests, and a report checking nothing is left behind). */
  pendingTimers(): number {
    return this.queue.filter((t) => !t.cancelled).length;
  }

  private schedule(timer: Scheduled): Timer {
    this.queue.push(timer);
    return {
      cancel: () => {
        timer.cancelled = true;
      },
    };
  }

  private nextDue(untilMs: number): Scheduled | undefined {
    this.queue = this.queue.filter((t) => !t.cancelled);
    let best: Scheduled | undefined;
    for (const t of this.queue) {
      if (t.due > untilMs) continue;
      if (!best || t.due < best.due || (t.due === best.due && t.seq < best.seq)) best = t;
    }
    return best;
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
