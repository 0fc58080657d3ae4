import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { createServer as createTlsServer } from 'node:https';
import type { AddressInfo } from 'node:net';

export interface ReceivedRequest {
  at: number;
  method: string;
  url: string;
  headers: IncomingMessage['headers'];
  body: string;
  raw: Buffer;
}

/** What the receiver does with one request: answer, hang (never answer), or close the socket. */
export type Behaviour = { status: number; body?: string; headers?: Record<string, string> } | 'hang' | 'destroy';

/**
 * A loopback HTTP receiver standing in for a webhook endpoint, a robot or a push
 * service: records every request and answers as the test's `respond` says.
 */
export class LoopbackReceiver {
  readonly requests: ReceivedRequest[] = [];
  respond: (req: ReceivedRequest, index: number) => Behaviour = () => ({ status: 200, body: '{}' });
  private readonly hanging = new Set<ServerResponse>();

  private constructor(private readonly server: Server, private readonly secure = false) {}

  /** `tls`: serve HTTPS with this certificate (a push service is always HTTPS). */
  static async start(tls?: { cert: Buffer; key: Buffer }): Promise<LoopbackReceiver> {
    const server = tls ? createTlsServer(tls) : createServer();
    const receiver = new LoopbackReceiver(server as Server, tls !== undefined);
    server.on('request', (req, res) => receiver.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return receiver;
  }

  get url(): string {
    const scheme = this.secure ? 'https' : 'http';
    return `${scheme}://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async close(): Promise<void> {
    for (const res of this.hanging) res.destroy();
    this.server.closeAllConnections();
    await new Promise<void>((resolve) => this.server.close(() => resolve()));
  }

  private handle(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const received: ReceivedRequest = { at: Date.now(), method: req.method ?? '', url: req.url ?? '', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), raw: Buffer.concat(chunks) };
      this.requests.push(received);
      const b = this.respond(received, this.requests.length - 1);
      if (b === 'hang') {
        this.hanging.add(res);
        return;
      }
      if (b === 'destroy') {
        req.socket.destroy();
        return;
      }
      res.writeHead(b.status, { 'content-type': 'application/json', ...b.headers });
      res.end(b.body ?? '');
    });
  }
}
