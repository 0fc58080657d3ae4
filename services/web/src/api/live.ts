/**
 * The live stream (SSE /api/stream) with the page's view of its health. The browser
 * reconnects by itself after a network drop; when the server refuses or the stream
 * errors for good (restart, expired session) a new one is opened with a growing delay.
 * Every (re)open asks the page to reload its lists, since events sent while
 * disconnected are not replayed.
 */
import type { Alert } from '../../../alerting/domain/alerts/alert.ts';
import type { Ticket, TimelineEntry } from './types.ts';

export type LiveState = 'connecting' | 'live' | 'down';

export interface LiveHandlers {
  onTicket(ticket: Ticket, entries: TimelineEntry[]): void;
  /** Staff: a ticket was taken away from them (re-dispatched, transferred, reopened). */
  onWithdrawn?(ticketId: string): void;
  /** An alert fired, resolved or found its place (the desk's live strip). */
  onAlert?(alert: Alert): void;
  onState(state: LiveState): void;
  /** Opened or reopened: load what may have been missed. */
  onResync(): void;
  /** Closed by the server; the page checks whether the session is still good. */
  onLost?(): void;
}

export class LiveConnection {
  private source: EventSource | undefined;
  private timer: ReturnType<typeof setTimeout> | undefined;
  private delayMs = 1_000;
  private closed = false;

  constructor(
    private readonly handlers: LiveHandlers,
    private readonly url = '/api/stream',
  ) {}

  start(): void {
    this.open();
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
    this.source?.close();
    this.source = undefined;
  }

  private open(): void {
    if (this.closed) return;
    this.handlers.onState('connecting');
    const es = new EventSource(this.url, { withCredentials: true });
    this.source = es;
    es.addEventListener('open', () => {
      this.delayMs = 1_000;
      this.handlers.onState('live');
      this.handlers.onResync();
    });
    es.addEventListener('ticket', (e) => {
      const data = parse(e) as { ticket?: Ticket; entries?: TimelineEntry[] } | undefined;
      if (data?.ticket) this.handlers.onTicket(data.ticket, data.entries ?? []);
    });
    es.addEventListener('alert', (e) => {
      const data = parse(e) as Alert | undefined;
      if (data && typeof data.id === 'string') this.handlers.onAlert?.(data);
    });
    es.addEventListener('ticket-withdrawn', (e) => {
      const data = parse(e) as { ticketId?: unknown } | undefined;
      if (typeof data?.ticketId === 'string') this.handlers.onWithdrawn?.(data.ticketId);
    });
    es.addEventListener('error', () => {
      if (this.closed || es !== this.source) return;
      // CONNECTING: the browser is already retrying (network drop); say so, and wait for `open`.
      if (es.readyState === EventSource.CONNECTING) {
        this.handlers.onState('down');
        return;
      }
      // CLOSED: the browser gave up (an HTTP error such as 401 or 503); try again later ourselves.
      this.handlers.onState('down');
      this.handlers.onLost?.();
      es.close();
      this.timer = setTimeout(() => this.open(), this.delayMs);
      this.delayMs = Math.min(this.delayMs * 2, 30_000);
    });
  }
}

function parse(e: Event): unknown {
  try {
    return JSON.parse((e as MessageEvent<string>).data);
  } catch {
    return undefined;
  }
}
