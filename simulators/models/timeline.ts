/**
 * A time-ordered queue of callbacks on simulated time. Each model runs its own:
 * processing strictly in time order (ties in insertion order) is what makes the
 * outputs independent of how the runner slices time into ticks.
 */
export class Timeline {
  private items: { at: number; order: number; run: (at: number) => void }[] = [];
  private order = 0;

  schedule(at: number, run: (at: number) => void): void {
    const item = { at, order: this.order++, run };
    // Insert sorted; queues stay short (a handful of pending actions per device).
    let i = this.items.length;
    while (i > 0 && (this.items[i - 1]!.at > at || (this.items[i - 1]!.at === at && this.items[i - 1]!.order > item.order))) i--;
    this.items.splice(i, 0, item);
  }

  /** Runs every item due at or before `until`, including ones scheduled while running. */
  runUntil(until: number): void {
    while (this.items.length > 0 && this.items[0]!.at <= until) {
      const item = this.items.shift()!;
      item.run(item.at);
    }
  }

  get size(): number {
    return this.items.length;
  }
}
