/** What the bench processes say to each other over Node's IPC channel. */

export interface MemorySample {
  rssBytes: number;
  /** null for a broker that is not a Node process (Mosquitto). */
  heapUsedBytes: number | null;
}

/** Broker child → bench. */
export type BrokerReport =
  | { type: 'ready'; port: number; version: string }
  | { type: 'memory'; sample: MemorySample }
  | { type: 'failed'; message: string };

/** Bench → broker child. */
export type BrokerCommand = { type: 'measure-memory' } | { type: 'stop' };

/** Load child → bench. */
export type LoadReport =
  | { type: 'published'; warmupMessages: number; messages: number; elapsedMs: number }
  | { type: 'connected'; clients: number; elapsedMs: number }
  | { type: 'failed'; message: string };

/** Bench → load child. */
export type LoadCommand = { type: 'disconnect' };

export type BrokerKind = 'gateway' | 'aedes' | 'mosquitto';

export interface LoginSpec {
  clientId: string;
  username: string;
  password: string;
}

export interface PublisherSpec extends LoginSpec {
  topic: string;
  /** The envelope, base64; the same bytes for every broker. */
  payloadBase64: string;
}

/**
 * Configuration of bench/load/publish.ts, passed as JSON in argv[2]. Logins are
 * derived from the device count (bench/lib/devices.ts), which keeps argv small.
 */
export interface PublishLoadConfig {
  url: string;
  publishers: number;
  /** Messages per publisher before the clock starts. */
  warmupPerClient: number;
  /** Messages per publisher in the measured phase. */
  measuredPerClient: number;
  /** Unacknowledged QoS 1 publishes per client at once. */
  window: number;
}

/** Configuration of bench/load/connect.ts, passed as JSON in argv[2]; one client per bench device. */
export interface ConnectLoadConfig {
  url: string;
  devices: number;
  concurrency: number;
  keepaliveSec: number;
}
