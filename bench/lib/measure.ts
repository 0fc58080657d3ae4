import { BenchChild } from './child.ts';
import type {
  BrokerCommand,
  BrokerKind,
  BrokerReport,
  ConnectLoadConfig,
  LoadCommand,
  LoadReport,
  MemorySample,
  PublishLoadConfig,
} from './messages.ts';
import type { BenchSettings } from './settings.ts';

type Broker = BenchChild<BrokerReport, BrokerCommand>;
type Load = BenchChild<LoadReport, LoadCommand>;

/** Runs `body` against a fresh broker child, which is always stopped (or killed) afterwards. */
async function withBroker<T>(kind: BrokerKind, settings: BenchSettings, body: (broker: Broker, url: string) => Promise<T>): Promise<T> {
  const broker: Broker = BenchChild.start(`brokers/${kind}.ts`, [String(settings.devices)]);
  try {
    const ready = await broker.next('ready', 60_000);
    const result = await body(broker, `mqtt://127.0.0.1:${ready.port}`);
    broker.send({ type: 'stop' });
    await broker.exit();
    return result;
  } finally {
    await broker.terminate();
  }
}

export interface ThroughputRun {
  messagesPerSecond: number;
  messages: number;
  elapsedMs: number;
}

export function measureThroughput(kind: BrokerKind, settings: BenchSettings): Promise<ThroughputRun> {
  const config: PublishLoadConfig = {
    url: '',
    publishers: settings.publishers,
    warmupPerClient: Math.ceil(settings.warmupMessages / settings.publishers),
    measuredPerClient: Math.ceil(settings.measuredMessages / settings.publishers),
    window: settings.window,
  };
  return withBroker(kind, settings, async (_broker, url) => {
    const load: Load = BenchChild.start('load/publish.ts', [JSON.stringify({ ...config, url })]);
    try {
      const result = await load.next('published');
      await load.exit();
      return { messagesPerSecond: (result.messages * 1000) / result.elapsedMs, messages: result.messages, elapsedMs: result.elapsedMs };
    } finally {
      await load.terminate();
    }
  });
}

export interface MemoryRun {
  before: MemorySample;
  after: MemorySample;
  clients: number;
  connectMs: number;
}

export function measureMemoryPerDevice(kind: BrokerKind, settings: BenchSettings): Promise<MemoryRun> {
  const config: ConnectLoadConfig = {
    url: '',
    devices: settings.devices,
    concurrency: settings.connectConcurrency,
    keepaliveSec: 300,
  };
  return withBroker(kind, settings, async (broker, url) => {
    broker.send({ type: 'measure-memory' });
    const before = (await broker.next('memory')).sample;
    const load: Load = BenchChild.start('load/connect.ts', [JSON.stringify({ ...config, url })]);
    try {
      const connected = await load.next('connected');
      broker.send({ type: 'measure-memory' });
      const after = (await broker.next('memory')).sample;
      load.send({ type: 'disconnect' });
      await load.exit();
      return { before, after, clients: connected.clients, connectMs: connected.elapsedMs };
    } finally {
      await load.terminate();
    }
  });
}
