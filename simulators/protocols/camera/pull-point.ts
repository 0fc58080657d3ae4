import type { Clock } from '../../../services/shared/clock.ts';
import type { CameraNotification } from './notifications.ts';

/** One pull-point subscription: the messages raised since it was created, until pulled. */
export interface PullPoint {
  readonly id: string;
  terminationMs: number;
  readonly queue: CameraNotification[];
  /** Wakes the PullMessages waiting on this pull point, if one is. */
  wake: (() => void) | null;
}

/**
 * The device's subscription manager (ONVIF core 9.1, pull-point interface). Time is
 * the device's: subscriptions expire by the device clock. Waiting is by wall time,
 * since a PullMessages Timeout is how long the client is willing to wait.
 */
export class PullPointManager {
  private readonly points = new Map<string, PullPoint>();
  private nextId = 1;

  constructor(
    private readonly clock: Clock,
    /** A subscriber that stopped pulling must not grow the queue without bound; the oldest go first. */
    private readonly maxQueue = 1000,
  ) {}

  create(terminationMs: number): PullPoint {
    this.prune();
    const point: PullPoint = { id: String(this.nextId++), terminationMs, queue: [], wake: null };
    this.points.set(point.id, point);
    return point;
  }

  /** The live pull point with that id; expired ones are gone, as on a real device. */
  get(id: string): PullPoint | undefined {
    this.prune();
    return this.points.get(id);
  }

  get size(): number {
    this.prune();
    return this.points.size;
  }

  /** How many PullMessages are waiting for something to happen. */
  get waiting(): number {
    let n = 0;
    for (const p of this.points.values()) if (p.wake) n += 1;
    return n;
  }

  /** Every live pull point has an empty queue and a PullMessages waiting on it (true when there are none). */
  get pulledThrough(): boolean {
    this.prune();
    for (const p of this.points.values()) if (p.queue.length > 0 || !p.wake) return false;
    return true;
  }

  publish(notification: CameraNotification): void {
    this.prune();
    for (const point of this.points.values()) {
      point.queue.push(notification);
      if (point.queue.length > this.maxQueue) point.queue.shift();
      point.wake?.();
    }
  }

  /** Takes up to `limit` messages off the front of the queue. */
  take(point: PullPoint, limit: number): CameraNotification[] {
    return point.queue.splice(0, Math.max(1, limit));
  }

  /**
   * Resolves when the pull point has messages, when `timeoutMs` has passed, when it is
   * woken (unsubscribed, device closing, behaviour changed), or when `abort` fires (the
   * client went away). It takes nothing off the queue itself: the caller does, only if
   * it can still answer, so a dropped connection does not swallow messages.
   */
  waitForMessages(point: PullPoint, timeoutMs: number, abort: AbortSignal): Promise<void> {
    if (point.queue.length > 0) return Promise.resolve();
    point.wake?.(); // one PullMessages per pull point at a time: the older one answers now
    return new Promise((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        abort.removeEventListener('abort', done);
        if (point.wake === done) point.wake = null;
        resolve();
      };
      const timer = setTimeout(done, timeoutMs);
      abort.addEventListener('abort', done);
      point.wake = done;
    });
  }

  remove(point: PullPoint): void {
    this.points.delete(point.id);
    point.wake?.();
  }

  /** Wakes every waiting PullMessages, so each answers according to the device's current behaviour. */
  wakeAll(): void {
    for (const point of this.points.values()) point.wake?.();
  }

  /** A reboot: every subscription is gone. */
  clear(): void {
    const points = [...this.points.values()];
    this.points.clear();
    for (const point of points) point.wake?.();
  }

  private prune(): void {
    const now = this.clock.now();
    for (const point of [...this.points.values()]) if (point.terminationMs <= now) this.remove(point);
  }
}
