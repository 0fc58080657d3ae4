import { Duplex } from 'node:stream';
import type { Socket } from 'node:net';
import { OcError } from '../shared/errors.ts';

/**
 * Reads MQTT fixed headers as bytes pass by and cuts the connection as soon as a
 * packet announces a body larger than the limit. aedes' parser would otherwise
 * buffer up to 256 MB for a single packet before any hook sees it.
 */
export class FrameSizeTracker {
  private state: 'type' | 'length' | 'body' = 'type';
  private length = 0;
  private multiplier = 1;
  private lengthBytes = 0;
  private bodyLeft = 0;
  /** Packets whose header has been read; the first must be CONNECT when `maxConnectBytes` is set. */
  private packets = 0;
  private packetType = 0;

  /**
   * `maxConnectBytes`: before CONNECT a socket may send only a CONNECT of at most this many
   * bytes; anything else (a PUBLISH announced before logging in) closes it at once, so an
   * unauthenticated socket can make the gateway hold no more than that.
   */
  constructor(
    private readonly maxBodyBytes: number,
    private readonly maxConnectBytes?: number,
  ) {}

  /** Throws OcError('OC_FRAME_TOO_LARGE') once a header announces too large a packet. */
  inspect(chunk: Buffer): void {
    let i = 0;
    while (i < chunk.length) {
      if (this.state === 'body') {
        const take = Math.min(this.bodyLeft, chunk.length - i);
        this.bodyLeft -= take;
        i += take;
        if (this.bodyLeft === 0) this.state = 'type';
        continue;
      }
      const byte = chunk[i++]!;
      if (this.state === 'type') {
        this.packetType = byte >> 4;
        this.packets += 1;
        if (this.maxConnectBytes !== undefined && this.packets === 1 && this.packetType !== 1) {
          throw new OcError('OC_MQTT_PRE_CONNECT', `packet type ${this.packetType} before CONNECT`);
        }
        this.state = 'length';
        this.length = 0;
        this.multiplier = 1;
        this.lengthBytes = 0;
        continue;
      }
      this.length += (byte & 0x7f) * this.multiplier;
      this.multiplier *= 128;
      this.lengthBytes += 1;
      if (this.maxConnectBytes !== undefined && this.packets === 1 && this.length > this.maxConnectBytes) {
        throw new OcError('OC_MQTT_PRE_CONNECT', `CONNECT announces ${this.length}+ bytes, limit ${this.maxConnectBytes}`);
      }
      if (this.length > this.maxBodyBytes || (byte & 0x80 && this.lengthBytes === 4)) {
        throw new OcError('OC_FRAME_TOO_LARGE', `announced ${this.length}+ bytes, limit ${this.maxBodyBytes}`);
      }
      if ((byte & 0x80) === 0) {
        this.bodyLeft = this.length;
        this.state = this.bodyLeft > 0 ? 'body' : 'type';
      }
    }
  }
}

/** A socket as aedes sees it, with the frame limit applied on the way in. */
export class FrameGuardedConnection extends Duplex {
  private readonly tracker: FrameSizeTracker;

  constructor(
    private readonly socket: Socket,
    maxBodyBytes: number,
    private readonly onOversize: (err: OcError) => void,
    maxConnectBytes?: number,
  ) {
    super({ allowHalfOpen: false });
    this.tracker = new FrameSizeTracker(maxBodyBytes, maxConnectBytes);
    socket.on('data', (chunk: Buffer) => this.onData(chunk));
    socket.on('end', () => this.push(null));
    socket.on('error', (err) => this.destroy(err));
    socket.on('close', () => this.destroy());
  }

  get remoteAddress(): string | undefined {
    return this.socket.remoteAddress;
  }

  private onData(chunk: Buffer): void {
    try {
      this.tracker.inspect(chunk);
    } catch (err) {
      this.onOversize(err as OcError);
      this.socket.destroy();
      return;
    }
    if (!this.push(chunk)) this.socket.pause();
  }

  override _read(): void {
    this.socket.resume();
  }

  // Writes pass straight on and return at once unless the socket pushes back, and a
  // backlog goes out corked as one writev: waiting for each write's callback would
  // turn every PUBACK into its own system call.
  override _write(chunk: Buffer, _enc: BufferEncoding, done: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return done();
    if (this.socket.write(chunk)) done();
    else this.socket.once('drain', () => done());
  }

  override _writev(chunks: Array<{ chunk: Buffer }>, done: (err?: Error | null) => void): void {
    if (this.socket.destroyed) return done();
    this.socket.cork();
    let flowing = true;
    for (const { chunk } of chunks) flowing = this.socket.write(chunk);
    this.socket.uncork();
    if (flowing) done();
    else this.socket.once('drain', () => done());
  }

  override _final(done: (err?: Error | null) => void): void {
    this.socket.end(() => done());
  }

  override _destroy(err: Error | null, done: (err?: Error | null) => void): void {
    this.socket.destroy();
    done(err);
  }
}
