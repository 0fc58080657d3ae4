import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { conditionText, pollUntil } from '../../support/poll-until.ts';
import mqttPacket, { type Packet } from 'mqtt-packet';

export interface Mqtt5Publish {
  topic: string;
  payload: Buffer;
  qos: number;
  retain: boolean;
  /** The PUBACK reason code this peer answered with (QoS 1); 0 is success. */
  reasonCode: number | undefined;
}

/**
 * An MQTT 5 broker endpoint for `npm test`, which has no Mosquitto: it speaks the
 * MQTT 5 wire protocol (mqtt-packet encodes and decodes every packet) on a real
 * socket, so an agent set to protocolVersion 5 runs its real client code against it.
 * The built-in gateway (aedes 1.x) speaks only 3.1.1, and the real Mosquitto suite
 * lives in tests/infra. Beyond a broker it can answer a PUBACK with a failure reason
 * code, which MQTT 3.1.1 cannot express. It routes nothing: it records.
 */
export class Mqtt5Peer {
  readonly connects: Array<{ protocolVersion: number; clientId: string; willTopic: string | undefined; willRetain: boolean | undefined }> = [];
  readonly publishes: Mqtt5Publish[] = [];
  /** Decides the PUBACK reason code of each QoS 1 publish; success unless it says otherwise. */
  pubackReason: (publish: Omit<Mqtt5Publish, 'reasonCode'>) => number = () => 0;
  private readonly sockets = new Set<Socket>();

  private constructor(private readonly server: Server) {}

  static async start(): Promise<Mqtt5Peer> {
    const server = createServer();
    const peer = new Mqtt5Peer(server);
    server.on('connection', (socket) => peer.serve(socket));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return peer;
  }

  get url(): string {
    return `mqtt://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  /** Resolves once `check` holds for the packets seen (pollUntil, naming the condition). */
  async waitFor(check: () => boolean, what = conditionText(check)): Promise<void> {
    await pollUntil(`the MQTT 5 peer's packets to satisfy ${what}`, check, { timeoutMs: 60_000, intervalMs: 10 });
  }

  async close(): Promise<void> {
    for (const socket of this.sockets) socket.destroy();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private serve(socket: Socket): void {
    this.sockets.add(socket);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', () => socket.destroy());
    const parser = mqttPacket.parser({});
    const send = (packet: Packet): void => {
      if (!socket.destroyed) socket.write(mqttPacket.generate(packet, { protocolVersion: 5 }));
    };
    parser.on('error', () => socket.destroy());
    parser.on('packet', (packet: Packet) => {
      this.handle(packet, send, parser, socket);
    });
    socket.on('data', (chunk: Buffer) => parser.parse(chunk));
  }

  private handle(packet: Packet, send: (p: Packet) => void, parser: ReturnType<typeof mqttPacket.parser>, socket: Socket): void {
    switch (packet.cmd) {
      case 'connect':
        this.connects.push({ protocolVersion: packet.protocolVersion ?? 4, clientId: packet.clientId, willTopic: packet.will?.topic, willRetain: packet.will?.retain });
        if (packet.protocolVersion !== 5) {
          socket.destroy(); // this peer is for MQTT 5 only
          return;
        }
        // From here on the parser must read MQTT 5 properties.
        (parser as unknown as { settings: { protocolVersion: number } }).settings.protocolVersion = 5;
        send({ cmd: 'connack', sessionPresent: false, reasonCode: 0 });
        return;
      case 'publish': {
        const base = { topic: packet.topic, payload: Buffer.from(packet.payload), qos: packet.qos, retain: packet.retain };
        const reasonCode = packet.qos === 1 ? this.pubackReason(base) : undefined;
        this.publishes.push({ ...base, reasonCode });
        if (packet.qos === 1) send({ cmd: 'puback', messageId: packet.messageId!, reasonCode: reasonCode! });
        return;
      }
      case 'subscribe':
        send({ cmd: 'suback', messageId: packet.messageId, granted: packet.subscriptions.map((s) => s.qos) });
        return;
      case 'pingreq':
        send({ cmd: 'pingresp' });
        return;
      case 'disconnect':
        socket.end();
        return;
      default:
        return;
    }
  }
}
