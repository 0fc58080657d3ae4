import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt, { type IClientOptions, type MqttClient } from 'mqtt';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import type { EventLog } from '../../services/event-log/port.ts';
import { generateSecret, hashSecret, MemoryCredentialStore } from '../../services/gateway/credentials.ts';
import { DeviceRegistry, type RegisteredDevice } from '../../services/gateway/device-registry.ts';
import { startGateway, type Gateway } from '../../services/gateway/gateway.ts';
import type { GatewayLimits } from '../../services/gateway/limits.ts';
import { LogRecorder } from './log-recorder.ts';
import type { Logger } from '../../services/shared/logger.ts';
import type { Clock } from '../../services/shared/clock.ts';

export const TEST_DEVICES: RegisteredDevice[] = [
  { id: 'dl8-b1-u1-door', kind: 'door' },
  { id: 'dl8-gate-n-door', kind: 'door' },
  { id: 'dl8-cam-01', kind: 'camera' },
  { id: 'dl8-cam-02', kind: 'camera' },
  { id: 'dl8-drain-m3', kind: 'drain' },
  { id: 'dl8-drain-m5', kind: 'drain' },
];

export interface HarnessOptions {
  devices?: RegisteredDevice[];
  limits?: Partial<GatewayLimits>;
  /** Wraps the real log, e.g. to hold appends back; the wrapped log is still the real one. */
  wrapLog?: (log: EventLog) => EventLog;
  tls?: { port: number; key: Buffer; cert: Buffer };
  logger?: Logger;
  /** The gateway's clock (status records, admission); default the system clock. */
  clock?: Clock;
}

/** A real gateway on an ephemeral loopback port, over a real SQLite log in a temp dir. */
export class GatewayHarness {
  readonly secrets = new Map<string, string>();
  gateway!: Gateway;
  recorder!: LogRecorder;
  readonly dir = mkdtempSync(join(tmpdir(), 'oc-gw-'));
  readonly rawLog: SqliteEventLog;
  readonly log: EventLog;
  private readonly registry: DeviceRegistry;
  private readonly credentials = new MemoryCredentialStore();
  private readonly clients = new Set<MqttClient>();
  readonly clientErrors: Error[] = [];

  private constructor(private readonly options: HarnessOptions) {
    const devices = options.devices ?? TEST_DEVICES;
    this.registry = DeviceRegistry.fromDevices(devices);
    for (const d of devices) {
      const secret = generateSecret();
      this.secrets.set(d.id, secret);
      this.credentials.set(d.id, hashSecret(secret));
    }
    this.rawLog = SqliteEventLog.open({ path: join(this.dir, 'events.db'), synchronous: 'NORMAL' });
    this.log = options.wrapLog ? options.wrapLog(this.rawLog) : this.rawLog;
  }

  static async start(options: HarnessOptions = {}): Promise<GatewayHarness> {
    const h = new GatewayHarness(options);
    await h.rawLog.ensureTopics(PLATFORM_TOPICS);
    h.recorder = await LogRecorder.start(h.rawLog, PLATFORM_TOPICS.map((t) => t.name));
    await h.startGateway(0);
    return h;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.gateway.port}`;
  }

  async startGateway(port: number): Promise<void> {
    this.gateway = await startGateway({ port, log: this.log, registry: this.registry, credentials: this.credentials, limits: this.options.limits, tls: this.options.tls, logger: this.options.logger, clock: this.options.clock });
  }

  /** A raw MQTT client; resolves on CONNACK success, rejects with the refusal. */
  connect(deviceId: string, over: IClientOptions = {}): Promise<MqttClient> {
    const client = mqtt.connect(this.url, {
      clientId: deviceId,
      username: deviceId,
      password: this.secrets.get(deviceId) ?? 'no-secret',
      reconnectPeriod: 0,
      protocolVersion: 4,
      ...over,
    });
    this.clients.add(client);
    // Refused and cut connections are what these tests provoke; the events below carry the verdict.
    client.on('error', (err) => this.clientErrors.push(err));
    return new Promise((resolve, reject) => {
      client.once('connect', () => resolve(client));
      client.once('error', (err) => reject(err));
      client.once('close', () => reject(new Error('closed before CONNACK')));
    });
  }

  async close(): Promise<void> {
    for (const c of this.clients) c.end(true);
    await this.gateway.close();
    await this.recorder.close();
    await this.rawLog.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

export function envelopeFor(deviceId: string, kind: string, seq: number, over: Record<string, unknown> = {}): Buffer {
  return Buffer.from(
    JSON.stringify({ v: 1, id: `${deviceId}-${seq}`, deviceId, kind, type: 'test.event', ts: new Date().toISOString(), seq, data: { n: seq }, ...over }),
  );
}
