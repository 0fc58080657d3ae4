import { EventEmitter } from 'node:events';
import { describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { IMPATIENT_EXIT_CODE, onShutdownSignal, type SignalTarget } from '../../../services/shutdown.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

/** A stand-in for `process`: signals are emitted by the test, exits are recorded. */
class FakeProcess extends EventEmitter implements SignalTarget {
  exitCode: number | string | null | undefined;
  readonly exits: number[] = [];
  exit(code: number): void {
    this.exits.push(code);
  }
}

function setUp(stop: () => Promise<void>) {
  const target = new FakeProcess();
  const clock = new ManualClock(1_000_000);
  const { logger } = recordingLogger();
  onShutdownSignal(logger, stop, { clock, target });
  return { target, clock };
}

describe('shutdown on SIGINT / SIGTERM', () => {
  it.each(['SIGINT', 'SIGTERM'])('%s stops once and leaves exit code 0', async (signal) => {
    let stops = 0;
    const { target } = setUp(async () => void stops++);
    target.emit(signal, signal);
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(stops).toBe(1);
    expect(target.exitCode).toBe(0);
    expect(target.exits).toEqual([]);
  });

  it('a failed stop leaves exit code 1', async () => {
    const { target } = setUp(() => Promise.reject(new Error('disk gone')));
    target.emit('SIGTERM', 'SIGTERM');
    await new Promise<void>((resolve) => setImmediate(resolve));
    expect(target.exitCode).toBe(1);
  });

  it('the same Ctrl-C relayed twice within a second is one signal; a second Ctrl-C later exits at once, non-zero', () => {
    let stops = 0;
    const { target, clock } = setUp(() => {
      stops++;
      return new Promise<void>(() => {}); // a shutdown that takes its time
    });
    target.emit('SIGINT', 'SIGINT');
    clock.advance(5);
    target.emit('SIGINT', 'SIGINT');
    expect(target.exits).toEqual([]);
    clock.advance(2_000);
    target.emit('SIGINT', 'SIGINT');
    expect(stops).toBe(1);
    expect(target.exits).toEqual([IMPATIENT_EXIT_CODE]);
    expect(IMPATIENT_EXIT_CODE).not.toBe(0);
  });
});
