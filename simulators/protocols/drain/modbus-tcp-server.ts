import { createServer, type AddressInfo, type Server, type Socket } from 'node:net';
import { silentLogger, type Logger } from '../../../services/shared/logger.ts';
import { encodeException, encodeFrame, takeFrame, type MbapFrame } from './modbus-frame.ts';

/** Answers one request frame with a response PDU (data or exception). */
export type FrameHandler = (frame: MbapFrame) => Buffer;

/** Scripted ways for the device to go wrong, as seen from the wire. */
export type Misbehaviour =
  | { kind: 'none' }
  /** Every request gets this Modbus exception code (4: server device failure, 6: busy). */
  | { kind: 'exception'; code: number }
  /** Requests are read and never answered. */
  | { kind: 'silent' }
  /** Answers carry the right transaction id but a PDU that is not what was asked for. */
  | { kind: 'garbage' }
  /** Answers are bytes that are no Modbus at all (another service on the port, a confused converter). */
  | { kind: 'noise' }
  /** The device hangs up on every request. */
  | { kind: 'hang-up' };

export interface ModbusTcpServerOptions {
  handler: FrameHandler;
  host?: string;
  /** 0 (default) picks a free port; restarts reuse the one picked. */
  port?: number;
  logger?: Logger;
}

const NOISE = Buffer.from('HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n', 'latin1');

/**
 * A Modbus TCP server on node:net. Written here rather than taken from
 * modbus-serial's ServerTCP because a simulator must also answer wrongly on
 * purpose: garbage frames, silence, hang-ups, and a restart on the same port.
 */
export class ModbusTcpServer {
  misbehaviour: Misbehaviour = { kind: 'none' };
  /** Request frames received since construction, answered or not. */
  requestsReceived = 0;
  /** Connections accepted since construction. */
  connectionsAccepted = 0;
  private readonly sockets = new Set<Socket>();
  private readonly host: string;
  private readonly handler: FrameHandler;
  private readonly log: Logger;
  private server: Server | undefined;
  private boundPort: number;

  private constructor(options: ModbusTcpServerOptions) {
    this.host = options.host ?? '127.0.0.1';
    this.boundPort = options.port ?? 0;
    this.handler = options.handler;
    this.log = options.logger ?? silentLogger();
  }

  static async listen(options: ModbusTcpServerOptions): Promise<ModbusTcpServer> {
    const server = new ModbusTcpServer(options);
    await server.start();
    return server;
  }

  get port(): number {
    return this.boundPort;
  }

  /** Connections open right now. */
  get openConnections(): number {
    return this.sockets.size;
  }

  get listening(): boolean {
    return this.server !== undefined;
  }

  /** Starts listening (again) on the port picked the first time. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((socket) => this.accept(socket));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.boundPort, this.host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
  }

  /** Stops listening and cuts every connection, as a power cut would; resolves when all is closed. */
  async stop(): Promise<void> {
    const server = this.server;
    this.server = undefined;
    const closed = server ? new Promise<void>((resolve) => server.close(() => resolve())) : Promise.resolve();
    this.dropConnections();
    await closed;
  }

  /** Cuts the current connections; the listener stays up. */
  dropConnections(): void {
    for (const socket of this.sockets) socket.destroy();
  }

  close(): Promise<void> {
    return this.stop();
  }

  private accept(socket: Socket): void {
    this.connectionsAccepted += 1;
    this.sockets.add(socket);
    socket.setNoDelay(true);
    let buffer: Buffer = Buffer.alloc(0);
    socket.on('close', () => this.sockets.delete(socket));
    socket.on('error', (err) => this.log.debug({ err: err.message }, 'modbus client connection error'));
    socket.on('data', (chunk) => {
      buffer = Buffer.concat([buffer, chunk]);
      for (;;) {
        const taken = takeFrame(buffer);
        if (taken.kind === 'incomplete') return;
        if (taken.kind === 'invalid') {
          // A real device loses the frame boundaries too and drops the connection.
          this.log.debug({ reason: taken.reason }, 'not a Modbus TCP frame; closing the connection');
          socket.destroy();
          return;
        }
        buffer = taken.rest;
        this.requestsReceived += 1;
        if (!this.answer(socket, taken.frame)) return;
      }
    });
  }

  /** Writes the answer the current behaviour calls for; false once the socket is gone. */
  private answer(socket: Socket, frame: MbapFrame): boolean {
    const fc = frame.pdu.length > 0 ? frame.pdu.readUInt8(0) : 0;
    const m = this.misbehaviour;
    switch (m.kind) {
      case 'silent':
        return true;
      case 'hang-up':
        socket.destroy();
        return false;
      case 'noise':
        socket.write(NOISE);
        return true;
      case 'garbage':
        // An odd byte count and too few bytes for any register read: the client must reject it.
        socket.write(encodeFrame(frame.transactionId, frame.unitId, Buffer.from([fc, 0x03, 0xde, 0xad, 0xbe])));
        return true;
      case 'exception':
        socket.write(encodeFrame(frame.transactionId, frame.unitId, encodeException(fc, m.code)));
        return true;
      case 'none':
        socket.write(encodeFrame(frame.transactionId, frame.unitId, this.handle(frame, fc)));
        return true;
    }
  }

  /** A bug in the device model answers "server device failure" instead of taking the process down. */
  private handle(frame: MbapFrame, fc: number): Buffer {
    try {
      return this.handler(frame);
    } catch (err) {
      this.log.error({ err }, 'simulated device failed to answer');
      return encodeException(fc, 0x04);
    }
  }
}
