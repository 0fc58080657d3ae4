import type { ServerResponse } from 'node:http';
import { NDJSON_MEDIA_TYPE, type ControllerEvent, type KeepaliveLine } from '../../../edge-agent/drivers/door/wire.ts';
import type { EventJournal } from './event-journal.ts';

/** A line no JSON parser accepts, like a controller whose firmware scribbled into its output buffer. */
export const GARBAGE_LINE = '\u0000\u00ff<<ERR 0x1f stream buffer>>{"seq":';

interface OpenStream {
  res: ServerResponse;
  close(): void;
}

export interface EventStreamsOptions {
  journal: () => EventJournal;
  /** The controller's clock (simulated time plus any scripted offset). */
  now: () => number;
  keepaliveMs: number;
  /** While true nothing is written: the controller hangs. */
  stalled: () => boolean;
}

/**
 * The open `GET /api/v1/events` responses: each gets a keepalive at once, the
 * journal after its `since`, then every new event live and a keepalive per
 * interval, as newline-delimited JSON over chunked transfer encoding.
 */
export class EventStreams {
  private readonly open = new Set<OpenStream>();
  private garbageForNext = 0;

  constructor(private readonly options: EventStreamsOptions) {}

  serve(res: ServerResponse, since: number): void {
    const journal = this.options.journal();
    res.writeHead(200, { 'content-type': `${NDJSON_MEDIA_TYPE}; charset=utf-8`, 'cache-control': 'no-store' });
    const write = (line: string): void => {
      if (!this.options.stalled()) res.write(`${line}\n`);
    };
    const keepalive = (): void => {
      const line: KeepaliveLine = { type: 'keepalive', time: new Date(this.options.now()).toISOString(), headSeq: journal.headSeq };
      write(JSON.stringify(line));
    };
    for (; this.garbageForNext > 0; this.garbageForNext--) write(GARBAGE_LINE);
    keepalive();
    for (const event of journal.after(since)) write(JSON.stringify(event));
    const unsubscribe = journal.subscribe((event: ControllerEvent) => write(JSON.stringify(event)));
    const timer = setInterval(keepalive, this.options.keepaliveMs);
    const stream: OpenStream = {
      res,
      close: () => {
        clearInterval(timer);
        unsubscribe();
        this.open.delete(stream);
      },
    };
    this.open.add(stream);
    res.on('close', stream.close);
  }

  /** One garbage line into every open stream now, or into the next one opened if none is. */
  injectGarbage(): void {
    if (this.open.size === 0) {
      this.garbageForNext += 1;
      return;
    }
    for (const s of this.open) s.res.write(`${GARBAGE_LINE}\n`);
  }

  /** Cuts every stream's connection without ending the response: what a crash looks like on the wire. */
  dropAll(): void {
    for (const s of [...this.open]) {
      s.close();
      s.res.socket?.destroy();
    }
  }
}
