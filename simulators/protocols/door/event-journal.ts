import { randomUUID } from 'node:crypto';
import type { ControllerEvent, ControllerEventBody } from '../../../edge-agent/drivers/door/wire.ts';
import { VolatileFlash, type JournalFlash } from './journal-flash.ts';

/**
 * The controller's event journal, as kept in its flash: a ring of the newest
 * `capacity` events with seqs that count from 1 and never repeat. It survives a
 * power cycle; only a factory reset replaces it (with a new id). Every event is
 * written to `flash` as it is journalled; with a lasting flash the journal also
 * survives the process (the simulator's restart is then a power cycle).
 */
export class EventJournal {
  readonly id: string;
  private readonly entries: ControllerEvent[] = [];
  private nextSeq = 1;
  private readonly listeners = new Set<(event: ControllerEvent) => void>();

  /**
   * `resume`: the journal kept in `flash`, or a new one if it holds none (power-up).
   * `format`: a new, empty journal with a new id, replacing what `flash` held (factory reset).
   */
  constructor(
    readonly capacity: number,
    private readonly flash: JournalFlash = new VolatileFlash(),
    start: 'resume' | 'format' = 'resume',
  ) {
    const image = start === 'resume' ? flash.load() : undefined;
    if (image) {
      this.id = image.id;
      this.nextSeq = image.headSeq + 1;
      this.entries.push(...image.entries.slice(-capacity));
    } else {
      this.id = randomUUID();
      flash.format(this.id);
    }
  }

  /** Journals an event stamped with the controller's time `timeMs`; returns it with its seq. */
  append(body: ControllerEventBody | Record<string, unknown>, timeMs: number): ControllerEvent {
    const event = { ...body, seq: this.nextSeq++, time: new Date(timeMs).toISOString() } as ControllerEvent;
    // Flash first: a driver must never have read an event the controller could forget.
    this.flash.append(this.id, event);
    this.entries.push(event);
    // Dropping in batches keeps append O(1) on average; the ring holds at most `capacity` + a little.
    if (this.entries.length > this.capacity * 1.25) this.entries.splice(0, this.entries.length - this.capacity);
    for (const listener of this.listeners) listener(event);
    return event;
  }

  /** Events with seq > `seq` still held, oldest first. */
  after(seq: number): ControllerEvent[] {
    const kept = this.kept();
    const from = kept.findIndex((e) => e.seq > seq);
    return from === -1 ? [] : kept.slice(from);
  }

  get headSeq(): number {
    return this.nextSeq - 1;
  }

  /** Oldest seq still held; headSeq + 1 when empty. */
  get oldestSeq(): number {
    return this.kept()[0]?.seq ?? this.nextSeq;
  }

  subscribe(listener: (event: ControllerEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  private kept(): ControllerEvent[] {
    return this.entries.length > this.capacity ? this.entries.slice(this.entries.length - this.capacity) : this.entries;
  }
}
