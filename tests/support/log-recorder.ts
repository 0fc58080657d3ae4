import type { EventLog, LogConsumer, LogRecord } from '../../services/event-log/port.ts';
import { conditionText, pollUntil } from './poll-until.ts';

/**
 * Reads topics of a real log into memory and lets a test wait for a condition
 * on what has arrived (pollUntil: it fails naming the condition that never held).
 */
export class LogRecorder {
  readonly records = new Map<string, LogRecord[]>();
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

  /** Resolves once `check` holds for what has been recorded; fails after `timeoutMs` naming `what` (default: the check's text). */
  async until(check: () => boolean, what = conditionText(check), timeoutMs = 60_000): Promise<void> {
    await pollUntil(`the log records to satisfy ${what}`, check, { timeoutMs });
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
  }
}
