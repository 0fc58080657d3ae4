import { Timeline } from './timeline.ts';
import type { DeviceOutput } from './model.ts';

/**
 * What the event-driven models (door, camera) share: a timeline of what happens
 * next, scripted actions placed on it, and the events it produced so far.
 */
export abstract class EventModel<A> {
  protected readonly timeline = new Timeline();
  private out: DeviceOutput[] = [];

  schedule(action: A, atMs: number): void {
    this.timeline.schedule(atMs, (t) => this.apply(action, t));
  }

  advance(untilMs: number): DeviceOutput[] {
    this.timeline.runUntil(untilMs);
    const out = this.out;
    this.out = [];
    return out;
  }

  protected abstract apply(action: A, t: number): void;

  protected emit(at: number, type: string, data: Record<string, unknown>): void {
    this.out.push({ channel: 'event', type, data, at });
  }
}
