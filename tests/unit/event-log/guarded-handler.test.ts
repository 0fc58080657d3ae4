import { describe, expect, it } from 'vitest';
import { ConsumerHealth, describeStuck, type StuckReport } from '../../../services/event-log/guard/consumer-health.ts';
import { guardBatchHandler } from '../../../services/event-log/guard/guarded-handler.ts';
import type { LogRecord, ProduceRecord } from '../../../services/event-log/port.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { OcError } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';

const record = (offset: number, value = `{"n":${offset}}`): LogRecord => ({ topic: 'oc.events', partition: 0, offset, key: 'dev-1', value: Buffer.from(value), headers: {}, timestamp: 1_000 + offset });

function fixture() {
  const appended: Array<{ topic: string; records: readonly ProduceRecord[] }> = [];
  const log = { append: async (topic: string, records: readonly ProduceRecord[]) => (appended.push({ topic, records }), []) };
  const clock = new ManualClock(10_000);
  const health = new ConsumerHealth();
  const letters = () => appended.flatMap((a) => a.records.map((r) => ({ topic: a.topic, headers: r.headers, body: JSON.parse(String(r.value)) as Record<string, unknown> })));
  return { log, clock, health, letters };
}

describe('guardBatchHandler', () => {
  it('dead-letters the one record that throws, with the consumer and the error, and handles the rest', async () => {
    const f = fixture();
    const handled: number[] = [];
    const guard = guardBatchHandler(
      async (batch) => {
        for (const r of batch) if (r.offset === 2) throw new RangeError('Maximum call stack size exceeded');
        handled.push(...batch.map((r) => r.offset));
      },
      { consumer: 'alerting', log: f.log, logger: silentLogger(), clock: f.clock, health: f.health, watchIntervalMs: 0, retryDelayMs: 1 },
    );
    await guard.handler([record(1), record(2), record(3)]);
    expect(handled).toEqual([1, 3]);
    expect(f.letters()).toEqual([
      expect.objectContaining({
        topic: 'oc.deadletter',
        headers: { source: 'alerting', position: 'oc.events/0/2' },
        body: expect.objectContaining({ code: 'OC_CONSUMER_RECORD_FAILED', consumer: 'alerting', reason: 'alerting: RangeError: Maximum call stack size exceeded' }),
      }),
    ]);
    expect(guard.status()).toMatchObject({ state: 'ok', deadLettered: 1 });
    guard.close();
  });

  it('tries a record again while the database is busy, and dead-letters it once the tries are spent', async () => {
    const f = fixture();
    let calls = 0;
    const busy = Object.assign(new Error('database is locked'), { code: 'SQLITE_BUSY' });
    const guard = guardBatchHandler(
      async () => {
        calls += 1;
        if (calls < 3) throw busy;
      },
      { consumer: 'alerting', log: f.log, logger: silentLogger(), clock: f.clock, watchIntervalMs: 0, retryDelayMs: 1, maxAttempts: 3 },
    );
    await guard.handler([record(1)]);
    expect(calls).toBe(3);
    expect(f.letters()).toEqual([]);

    calls = -10; // busy for ever now
    await guard.handler([record(2)]);
    expect(calls).toBe(-7);
    expect(f.letters().map((l) => l.body.code)).toEqual(['OC_CONSUMER_RECORD_FAILED']);
    guard.close();
  });

  it('does not retry an error that cannot pass', async () => {
    const f = fixture();
    let calls = 0;
    const guard = guardBatchHandler(
      async () => {
        calls += 1;
        throw new OcError('OC_ENVELOPE_INVALID', 'bad');
      },
      { consumer: 'telemetry-writer', log: f.log, logger: silentLogger(), clock: f.clock, watchIntervalMs: 0, retryDelayMs: 1 },
    );
    await guard.handler([record(7)]);
    expect(calls).toBe(1);
    expect(f.letters()[0]!.body).toMatchObject({ code: 'OC_ENVELOPE_INVALID', consumer: 'telemetry-writer' });
    guard.close();
  });

  it('reports a consumer one record holds up past the limit as stuck, and when it moves again', async () => {
    const f = fixture();
    const reports: Array<[StuckReport, boolean]> = [];
    f.health.onStuck((r, stuck) => reports.push([r, stuck]));
    let release!: () => void;
    const guard = guardBatchHandler(() => new Promise<void>((resolve) => (release = resolve)), {
      consumer: 'telemetry-writer',
      log: f.log,
      logger: silentLogger(),
      clock: f.clock,
      health: f.health,
      stuckAfterMs: 3_000,
      watchIntervalMs: 0,
    });
    const handling = guard.handler([record(41)]);
    f.clock.advance(2_000);
    guard.check();
    expect(guard.status().state).toBe('ok');
    f.clock.advance(2_000);
    guard.check();
    expect(guard.status()).toMatchObject({ state: 'stuck', record: 'oc.events/0/41' });
    expect(describeStuck(f.health.snapshot(), f.clock.now())).toBe('telemetry-writer stuck on oc.events/0/41 for 4 s');
    expect(reports.map(([r, s]) => [r.consumer, r.record, s])).toEqual([['telemetry-writer', 'oc.events/0/41', true]]);
    release();
    await handling;
    expect(guard.status()).toMatchObject({ state: 'ok', longestStallMs: 4_000 });
    expect(reports.map(([, s]) => s)).toEqual([true, false]);
    expect(describeStuck(f.health.snapshot(), f.clock.now())).toBe('ok');
    guard.close();
  });

  it('throws when even the dead letter cannot be written, so the batch comes again', async () => {
    const f = fixture();
    const guard = guardBatchHandler(
      async () => {
        throw new Error('boom');
      },
      { consumer: 'alerting', log: { append: async () => Promise.reject(new OcError('OC_LOG_CLOSED')) }, logger: silentLogger(), clock: f.clock, watchIntervalMs: 0 },
    );
    await expect(guard.handler([record(1)])).rejects.toThrow(/closed/);
    guard.close();
  });
});
