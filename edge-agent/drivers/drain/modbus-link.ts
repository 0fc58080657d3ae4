import { connect, type Socket } from 'node:net';
import modbusSerial from 'modbus-serial';
import { isOcError, OcError } from '../../../services/shared/errors.ts';
import { EXCEPTION_NAMES } from './register-map.ts';

/**
 * One Modbus TCP connection to one unit. Every failure comes out as an OcError
 * with a device code (unreachable, timeout, malformed response, refused), so the
 * driver can decide what to do without knowing modbus-serial's error shapes.
 */
export interface ModbusLink {
  /** FC 04. */
  readInputRegisters(address: number, count: number): Promise<number[]>;
  /** FC 16. */
  writeRegisters(address: number, values: number[]): Promise<void>;
  /** Destroys the connection; resolves once the socket is closed. */
  close(): Promise<void>;
}

// A CommonJS package: under NodeNext its typed `export default` is the `default` property
// (which modbus-serial sets to the ModbusRTU class itself).
const ModbusRTU = modbusSerial.default;
type ModbusClient = InstanceType<typeof ModbusRTU>;

export interface ModbusLinkOptions {
  host: string;
  port: number;
  unitId: number;
  connectTimeoutMs: number;
  requestTimeoutMs: number;
  /** Aborting gives up a connection attempt at once (the driver is closing). */
  signal?: AbortSignal;
}

export type OpenModbusLink = (options: ModbusLinkOptions) => Promise<ModbusLink>;

/**
 * Opens the TCP socket itself and hands it to modbus-serial (linkTCP): owning the
 * socket gives a connect timeout, an abort, and a 'close' that always fires,
 * which modbus-serial's own connect and close callbacks do not guarantee.
 */
export const openModbusLink: OpenModbusLink = async (options) => {
  const socket = await connectSocket(options);
  const client = new ModbusRTU();
  // modbus-serial re-emits socket errors on the client; unheard they would crash the process.
  // The same failure reaches us through the socket's 'close' and the pending request.
  client.on('error', () => {});
  try {
    await client.linkTCP(socket, { port: options.port });
  } catch (err) {
    // Only a socket that closed between connect and link gets here.
    socket.destroy();
    throw new OcError('OC_DEVICE_UNREACHABLE', `${options.host}:${options.port}: ${(err as Error).message}`);
  }
  client.setID(options.unitId);
  client.setTimeout(options.requestTimeoutMs);
  return new TcpModbusLink(socket, client, options.requestTimeoutMs);
};

function connectSocket(options: ModbusLinkOptions): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const where = `${options.host}:${options.port}`;
    if (options.signal?.aborted) return reject(new OcError('OC_DEVICE_UNREACHABLE', `${where}: connection attempt abandoned`));
    const socket = connect({ host: options.host, port: options.port });
    const fail = (err: OcError): void => {
      cleanup();
      socket.destroy();
      reject(err);
    };
    const onError = (err: Error): void => fail(new OcError('OC_DEVICE_UNREACHABLE', `${where}: ${err.message}`));
    const onAbort = (): void => fail(new OcError('OC_DEVICE_UNREACHABLE', `${where}: connection attempt abandoned`));
    const timer = setTimeout(() => fail(new OcError('OC_DEVICE_TIMEOUT', `${where}: no TCP connection within ${options.connectTimeoutMs} ms`)), options.connectTimeoutMs);
    const cleanup = (): void => {
      clearTimeout(timer);
      socket.off('error', onError);
      options.signal?.removeEventListener('abort', onAbort);
    };
    socket.once('error', onError);
    options.signal?.addEventListener('abort', onAbort, { once: true });
    socket.once('connect', () => {
      cleanup();
      resolve(socket);
    });
  });
}

class TcpModbusLink implements ModbusLink {
  private readonly pending = new Set<(err: OcError) => void>();
  private readonly closed: Promise<void>;
  private closedBecause: OcError | undefined;

  constructor(
    private readonly socket: Socket,
    private readonly client: ModbusClient,
    private readonly requestTimeoutMs: number,
  ) {
    // A request in flight when the device hangs up would otherwise wait for its timeout.
    this.closed = new Promise((resolve) => {
      socket.once('close', () => {
        this.closedBecause ??= new OcError('OC_DEVICE_UNREACHABLE', 'the device closed the connection');
        for (const fail of [...this.pending]) fail(this.closedBecause);
        resolve();
      });
    });
    socket.on('error', (err) => {
      this.closedBecause ??= new OcError('OC_DEVICE_UNREACHABLE', `connection failed: ${err.message}`);
    });
  }

  readInputRegisters(address: number, count: number): Promise<number[]> {
    return this.request(() => this.client.readInputRegisters(address, count)).then((r) => r.data);
  }

  writeRegisters(address: number, values: number[]): Promise<void> {
    return this.request(() => this.client.writeRegisters(address, values)).then(() => undefined);
  }

  async close(): Promise<void> {
    this.closedBecause ??= new OcError('OC_DEVICE_UNREACHABLE', 'the driver closed the connection');
    // destroy() also cancels modbus-serial's transaction timers, so nothing of this link outlives it.
    this.client.destroy(() => {});
    this.socket.destroy();
    await this.closed;
  }

  private request<T>(operation: () => Promise<T>): Promise<T> {
    if (this.closedBecause) return Promise.reject(this.closedBecause);
    return new Promise<T>((resolve, reject) => {
      const fail = (err: OcError): void => {
        this.pending.delete(fail);
        reject(err);
      };
      this.pending.add(fail);
      operation().then(
        (value) => {
          this.pending.delete(fail);
          resolve(value);
        },
        (err: unknown) => fail(this.classify(err)),
      );
    });
  }

  private classify(err: unknown): OcError {
    if (isOcError(err)) return err;
    const e = (err ?? {}) as { modbusCode?: unknown; errno?: unknown; name?: unknown; message?: unknown };
    if (typeof e.modbusCode === 'number') {
      const name = EXCEPTION_NAMES[e.modbusCode] ?? 'unknown exception';
      return new OcError('OC_DEVICE_REFUSED', `Modbus exception ${e.modbusCode} (${name})`, { exceptionCode: e.modbusCode });
    }
    if (e.errno === 'ETIMEDOUT') return new OcError('OC_DEVICE_TIMEOUT', `no answer within ${this.requestTimeoutMs} ms`);
    if (e.name === 'PortNotOpenError') return this.closedBecause ?? new OcError('OC_DEVICE_UNREACHABLE', 'the connection is closed');
    // What is left are modbus-serial's checks of the answer: length, CRC, unit, function code.
    return new OcError('OC_DEVICE_MALFORMED_RESPONSE', typeof e.message === 'string' ? e.message : String(err));
  }
}
