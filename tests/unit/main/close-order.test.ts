/**
 * The order `npm start` closes its parts in, pinned the way fastify pins its close order:
 * each fake part records when its close starts and ends, and a part's close only starts
 * once the one before it has finished.
 */
import { describe, expect, it } from 'vitest';
import { CloseSequence } from '../../../services/close-sequence.ts';
import { platformCloseOrder, type PlatformParts } from '../../../services/platform-close-order.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

/** Fake parts whose closes take a turn of the event loop and write `start x` / `end x`. */
function recordingParts(journal: string[], failing: string[] = []): PlatformParts {
  const part = (name: string) => async () => {
    journal.push(`start ${name}`);
    await new Promise<void>((resolve) => setImmediate(resolve));
    if (failing.includes(name)) throw new Error(`${name} broke`);
    journal.push(`end ${name}`);
  };
  return {
    simulation: { close: part('simulation') },
    gateway: { stopAccepting: part('gateway.stopAccepting'), close: part('gateway.close') },
    alerting: { close: part('alerting') },
    telemetry: { close: part('telemetry') },
    api: { close: part('api') },
    monitor: { close: part('monitor') },
    log: { close: part('log') },
  };
}

const ORDER = ['simulation', 'gateway.stopAccepting', 'gateway.close', 'alerting', 'telemetry', 'api', 'monitor', 'log'];

describe('npm start closes its parts in order', () => {
  it('devices, stop accepting, drain in-flight, alerting, API, logs: each close finished before the next starts', async () => {
    const journal: string[] = [];
    const sequence = platformCloseOrder(recordingParts(journal));
    expect(sequence.names()).toEqual([
      'simulated devices',
      'gateway: stop accepting devices',
      'gateway: drain in-flight appends',
      'alerting',
      'telemetry writer',
      'API',
      'log monitor',
      'event log',
    ]);
    await sequence.close();
    expect(journal).toEqual(ORDER.flatMap((name) => [`start ${name}`, `end ${name}`]));
  });

  it('without a simulation starts with the gateway', async () => {
    const journal: string[] = [];
    const parts = recordingParts(journal);
    await platformCloseOrder({ ...parts, simulation: undefined }).close();
    expect(journal[0]).toBe('start gateway.stopAccepting');
    expect(journal.at(-1)).toBe('end log');
  });

  it('a part that fails is logged by name, the rest still close (the log last), and the sequence rejects naming it', async () => {
    const journal: string[] = [];
    const { logger, lines } = recordingLogger();
    const closing = platformCloseOrder(recordingParts(journal, ['alerting'])).close(logger);
    await expect(closing).rejects.toThrow('could not close cleanly: alerting');
    expect(journal.filter((l) => l.startsWith('start'))).toEqual(ORDER.map((name) => `start ${name}`));
    expect(journal).not.toContain('end alerting');
    expect(journal.at(-1)).toBe('end log');
    expect(lines.filter((l) => l.level === 50)).toMatchObject([{ part: 'alerting' }]);
  });

  it('closing twice closes each part once', async () => {
    let closes = 0;
    const sequence = new CloseSequence().add('one', () => void closes++);
    await Promise.all([sequence.close(), sequence.close()]);
    await sequence.close();
    expect(closes).toBe(1);
  });
});
