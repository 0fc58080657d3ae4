import type { EventLog, ProduceRecord, RecordPosition } from '../../services/event-log/port.ts';

/**
 * A real log with a hand on the tap: appends matching `matches` wait until
 * released, or fail. The records still land in the real log underneath.
 */
export class GatedLog implements EventLog {
  private held: Array<() => void> = [];
  private holding = false;
  private failuresLeft = 0;
  private appendSeen: Array<() => void> = [];
  /** Matching appends the real log has accepted so far. */
  completed = 0;

  constructor(
    private readonly inner: EventLog,
    private readonly matches: (topic: string, records: readonly ProduceRecord[]) => boolean,
  ) {}

  hold(): void {
    this.holding = true;
  }
  release(): void {
    this.holding = false;
    this.held.splice(0).forEach((go) => go());
  }
  failNext(count = 1): void {
    this.failuresLeft = count;
  }
  /** Resolves when the next matching append reaches the log. */
  nextAppend(): Promise<void> {
    return new Promise((resolve) => this.appendSeen.push(resolve));
  }

  ensureTopics: EventLog['ensureTopics'] = (specs) => this.inner.ensureTopics(specs);
  consume: EventLog['consume'] = (options, handler) => this.inner.consume(options, handler);
  close: EventLog['close'] = () => this.inner.close();

  async append(topic: string, records: readonly ProduceRecord[]): Promise<RecordPosition[]> {
    if (!this.matches(topic, records)) return this.inner.append(topic, records);
    this.appendSeen.splice(0).forEach((seen) => seen());
    if (this.failuresLeft > 0) {
      this.failuresLeft -= 1;
      throw new Error('injected append failure');
    }
    if (this.holding) await new Promise<void>((resolve) => this.held.push(resolve));
    const positions = await this.inner.append(topic, records);
    this.completed += 1;
    return positions;
  }
}
