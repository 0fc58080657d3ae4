import type { BrokerCommand, BrokerReport, MemorySample } from '../lib/messages.ts';

export interface HostedBroker {
  port: number;
  version: string;
  /** Defaults to this Node process after a full GC. */
  measureMemory?: () => MemorySample;
  close(): Promise<void>;
}

/** Resolves once the message is handed to the IPC channel, so that exiting afterwards cannot lose it. */
const report = (message: BrokerReport): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

/** Node's own memory after collecting twice (the second pass catches what finalizers freed). */
export function nodeMemoryAfterGc(): MemorySample {
  const gc = (globalThis as { gc?: () => void }).gc;
  if (!gc) throw new Error('run with --expose-gc');
  gc();
  gc();
  const { rss, heapUsed } = process.memoryUsage();
  return { rssBytes: rss, heapUsedBytes: heapUsed };
}

/** Runs a broker child: reports its port, answers memory requests, closes on `stop`. */
export async function hostBroker(start: () => Promise<HostedBroker>): Promise<void> {
  // The bench going away (crash, Ctrl-C, terminate()) must not leave brokers behind;
  // exiting through process.exit runs the 'exit' handlers that stop child brokers.
  process.on('disconnect', () => process.exit(0));
  process.on('SIGTERM', () => process.exit(0));
  process.on('SIGINT', () => process.exit(0));
  let broker: HostedBroker;
  try {
    broker = await start();
  } catch (err) {
    await report({ type: 'failed', message: (err as Error).stack ?? String(err) });
    process.exit(1);
  }
  process.on('message', (command: BrokerCommand) => {
    if (command.type === 'measure-memory') {
      void report({ type: 'memory', sample: (broker.measureMemory ?? nodeMemoryAfterGc)() });
    } else if (command.type === 'stop') {
      broker.close().then(
        () => process.exit(0),
        (err: unknown) => {
          console.error('broker close failed', err);
          process.exit(1);
        },
      );
    }
  });
  await report({ type: 'ready', port: broker.port, version: broker.version });
}
