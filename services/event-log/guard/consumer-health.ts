/** Where one consumer stands, as the monitor line, /health and the IoT team's ticket read it. */
export interface ConsumerStatus {
  consumer: string;
  /** `stuck`: the same record has kept it from moving on for longer than its stuck limit. */
  state: 'ok' | 'retrying' | 'stuck';
  /** Log position (`topic/partition/offset`) of the record it is working on, while not ok. */
  record: string | undefined;
  /** Clock time the consumer started on that record. */
  since: number | undefined;
  /** Records it gave up on and moved to dead letters. */
  deadLettered: number;
  /** Longest time one record held it up, ms. */
  longestStallMs: number;
}

export interface StuckReport {
  consumer: string;
  record: string;
  since: number;
  error: string | undefined;
}

export type StuckListener = (report: StuckReport, stuck: boolean) => void;

/**
 * The consumers of one process, so one place can answer "is anything stuck?". Each guarded
 * consumer registers here; listeners hear when one gets stuck and when it moves again.
 */
export class ConsumerHealth {
  private readonly sources = new Map<string, () => ConsumerStatus>();
  private readonly listeners = new Set<StuckListener>();

  register(name: string, status: () => ConsumerStatus): void {
    this.sources.set(name, status);
  }

  unregister(name: string): void {
    this.sources.delete(name);
  }

  snapshot(): ConsumerStatus[] {
    return [...this.sources.values()].map((s) => s());
  }

  stuck(): ConsumerStatus[] {
    return this.snapshot().filter((s) => s.state === 'stuck');
  }

  onStuck(listener: StuckListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /** Called by a guard when one of its records starts or stops holding it up. */
  report(report: StuckReport, stuck: boolean): void {
    for (const l of this.listeners) l(report, stuck);
  }
}

/** `alerting stuck on oc.events/0/41 for 7 s`, or `ok` when none is. */
export function describeStuck(statuses: readonly ConsumerStatus[], now: number): string {
  const stuck = statuses.filter((s) => s.state === 'stuck');
  if (stuck.length === 0) return 'ok';
  return stuck.map((s) => `${s.consumer} stuck on ${s.record ?? '?'} for ${Math.round((now - (s.since ?? now)) / 1000)} s`).join('; ');
}
