import type { ServerResponse } from 'node:http';

export interface StreamEvent {
  event: string;
  data: unknown;
}

/** One open page, and what it may be shown. */
export interface StreamViewer {
  /** The event as it is, another one in its place, or undefined for nothing. */
  view(e: StreamEvent): StreamEvent | undefined;
  /** Its sign-in session, so signing out closes the stream. */
  sessionId?: string | undefined;
  /** Asked at every keep-alive; false ends the stream (the session expired meanwhile). */
  stillValid?(): boolean;
}

/**
 * Server-sent events to every open duty-desk and phone page. SSE rather than
 * WebSocket: one direction is all the pages need, and browsers reconnect by
 * themselves. Each page sees the events its viewer lets through.
 */
export class LiveStream {
  private readonly clients = new Map<ServerResponse, StreamViewer>();
  private readonly keepAlive: NodeJS.Timeout;
  private nextId = 1;

  constructor(keepAliveMs = 15_000) {
    // A comment line now and then keeps proxies from closing an idle stream.
    this.keepAlive = setInterval(() => this.ping(), keepAliveMs);
    this.keepAlive.unref();
  }

  add(res: ServerResponse, viewer: StreamViewer): void {
    res.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    res.write('retry: 2000\n\n');
    this.clients.set(res, viewer);
    res.on('close', () => this.clients.delete(res));
  }

  broadcast(event: string, data: unknown): void {
    const id = this.nextId++;
    const original: StreamEvent = { event, data };
    let shared: string | undefined;
    for (const [res, viewer] of this.clients) {
      const shown = viewer.view(original);
      if (!shown) continue;
      // Most pages see the event unchanged: serialise it once for all of them.
      const chunk = shown === original ? (shared ??= frame(id, original)) : frame(id, shown);
      res.write(chunk);
    }
  }

  /** Ends the streams of a session that signed out. */
  closeSession(sessionId: string): void {
    for (const [res, viewer] of this.clients) if (viewer.sessionId === sessionId) this.end(res);
  }

  get size(): number {
    return this.clients.size;
  }

  close(): void {
    clearInterval(this.keepAlive);
    for (const res of this.clients.keys()) res.end();
    this.clients.clear();
  }

  /** The keep-alive, and the moment an expired session's stream is ended. */
  ping(): void {
    for (const [res, viewer] of this.clients) {
      if (viewer.stillValid && !viewer.stillValid()) this.end(res);
      else res.write(': keep-alive\n\n');
    }
  }

  private end(res: ServerResponse): void {
    this.clients.delete(res);
    res.end();
  }
}

const frame = (id: number, e: StreamEvent): string => `id: ${id}\nevent: ${e.event}\ndata: ${JSON.stringify(e.data)}\n\n`;
