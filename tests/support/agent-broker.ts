import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { conditionText, pollUntil } from './poll-until.ts';
import type { Aedes } from 'aedes';
import { parseEnvelope, type Envelope } from '../../services/shared/envelope.ts';

export interface RecordedPublish {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  /** The publishing client; wills carry the client they belong to. */
  clientId: string;
}

/**
 * A real aedes broker on 127.0.0.1 for edge-agent tests. It records every publish a
 * client gets accepted, can withhold acknowledgements (so publishes stay in flight),
 * and can be stopped (listener closed, every socket destroyed, like a crash or a
 * cable pulled) and restarted on the same port. Retained messages survive a stop,
 * as they would in a broker with persistence.
 */
export class AgentTestBroker {
  readonly records: RecordedPublish[] = [];
  /** While true, event/telemetry publishes are never authorized: they stay in flight at the agent. */
  holdDeviceData = false;
  private heldCount = 0;
  private readonly sockets = new Set<Socket>();
  private server: Server | null = null;
  private port = 0;

  private constructor(private readonly broker: Aedes) {
    broker.on('publish', (packet, client) => {
      if (!client) return; // the broker's own ($SYS, test-side publishes)
      this.records.push({
        topic: packet.topic,
        payload: Buffer.from(packet.payload),
        qos: packet.qos,
        retain: packet.retain,
        clientId: client.id,
      });
      this.notify();
    });
  }

  static async start(): Promise<AgentTestBroker> {
    const { Aedes } = await import('aedes');
    let self: AgentTestBroker | null = null;
    const broker = await Aedes.createBroker({
      authorizePublish: (client, packet, callback) => {
        const deviceData = /\/(event|telemetry)$/.test(packet.topic);
        if (self?.holdDeviceData && client && deviceData) {
          self.heldCount += 1;
          self.notify();
          return; // never called back: no PUBACK, the publish stays in flight
        }
        callback(null);
      },
    });
    self = new AgentTestBroker(broker);
    await self.listen(0);
    return self;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${this.port}`;
  }

  get held(): number {
    return this.heldCount;
  }

  /** Closes the listener and destroys every connection; resolves when the port is free. */
  async stop(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    for (const socket of this.sockets) socket.destroy();
    this.sockets.clear();
    await closed;
  }

  async restart(): Promise<void> {
    await this.listen(this.port);
  }

  /** Drops one client's connection from the broker side: the agent sees a network failure. */
  dropClient(clientId: string): void {
    // aedes keeps connected clients by id; destroying the connection triggers the will.
    const clients = (this.broker as unknown as { clients: Record<string, { conn: { destroy(): void } }> }).clients;
    clients[clientId]?.conn.destroy();
  }

  /** Publishes from the platform side (client null), e.g. a retained config. */
  publish(topic: string, payload: string, retain: boolean): Promise<void> {
    return new Promise((resolve, reject) => {
      this.broker.publish(
        { cmd: 'publish', topic, payload: Buffer.from(payload), qos: 1, retain, dup: false },
        (err) => (err ? reject(err) : resolve()),
      );
    });
  }

  /** Resolves once `condition` holds for what the broker recorded (pollUntil, naming the condition). */
  async waitFor(condition: () => boolean, what = conditionText(condition)): Promise<void> {
    await pollUntil(`the broker's publishes to satisfy ${what}`, condition, { timeoutMs: 60_000, intervalMs: 10 });
  }

  /** Envelopes a device published, in arrival order, duplicates (by id) included. */
  envelopes(deviceId: string): Envelope[] {
    return this.records
      .filter((r) => r.clientId === deviceId && /\/(event|telemetry)$/.test(r.topic))
      .map((r) => parseEnvelope(r.payload));
  }

  /** Envelopes in order of first arrival, each id once: what an idempotent consumer sees. */
  distinctEnvelopes(deviceId: string): Envelope[] {
    const seen = new Set<string>();
    return this.envelopes(deviceId).filter((e) => (seen.has(e.id) ? false : (seen.add(e.id), true)));
  }

  statusPayloads(deviceId: string): Array<{ payload: string; retain: boolean }> {
    return this.records
      .filter((r) => r.topic === `oc/v1/${deviceId}/status`)
      .map((r) => ({ payload: r.payload.toString('utf8'), retain: r.retain }));
  }

  async close(): Promise<void> {
    await this.stop();
    await new Promise<void>((resolve) => this.broker.close(() => resolve()));
  }

  private notify(): void {
  }

  private listen(port: number): Promise<void> {
    const server = createServer((socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
      this.broker.handle(socket);
    });
    this.server = server;
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => {
        this.port = (server.address() as AddressInfo).port;
        resolve();
      });
    });
  }
}
