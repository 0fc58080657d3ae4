import type { EventLog, LogConsumer, LogRecord } from '../../services/event-log/port.ts';

/**
 * Reads topics of a real log into memory and lets a test wait for a condition
 * on what has arrived; the waiting ends by the condition, never by a timer.
 */
export class LogRecorder {
  readonly records = new Map<string, LogRecord[]>();
  private waiters: Array<{ check: () => boolean; resolve: () => void }> = [];
  private consumer: LogConsumer | undefined;

  static async start(log: EventLog, topics: readonly string[], groupId = `test-recorder-${process.pid}-${Math.random().toString(36).slice(2)}`): Promise<LogRecorder> {
    const recorder = new LogRecorder();
    recorder.consumer = await log.consume({ groupId, topics, fromBeginning: true }, async (batch) => recorder.add(batch));
    return recorder;
  }

  of(topic: string): LogRecord[] {
    return this.records.get(topic) ?? [];
  }

  json<T = Record<string, unknown>>(topic: string): T[] {
    return this.of(topic).map((r) => JSON.parse(r.value.toString('utf8')) as T);
  }

  /** Resolves once `check` holds for what has been recorded. */
  until(check: () => boolean): Promise<void> {
    if (check()) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ check, resolve }));
  }

  async close(): Promise<void> {
    await this.consumer?.close();
  }

  private add(batch: readonly LogRecord[]): void {
    for (const record of batch) {
      const list = this.records.get(record.topic) ?? [];
      list.push(record);
      this.records.set(record.topic, list);
    }
    this.waiters = this.waiters.filter((w) => {
      if (!w.check()) return true;
      w.resolve();
      return false;
    });
  }
}
