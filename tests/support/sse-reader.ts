export interface SseEvent {
  event: string;
  data: unknown;
}

/**
 * Reads a server-sent event stream over a real socket and keeps every event,
 * so a test can wait for one that matches, or check what never came.
 */
export class SseReader {
  readonly events: SseEvent[] = [];
  /** Resolves when the server ends the stream. */
  readonly ended: Promise<void>;
  private waiters: Array<() => void> = [];

  private constructor(
    readonly status: number,
    body: ReadableStream<Uint8Array> | null,
    private readonly controller: AbortController,
  ) {
    this.ended = body ? this.pump(body) : Promise.resolve();
  }

  static async open(url: string, cookie?: string): Promise<SseReader> {
    const controller = new AbortController();
    const res = await fetch(url, { headers: cookie ? { cookie } : {}, signal: controller.signal });
    if (res.status !== 200) await res.body?.cancel();
    return new SseReader(res.status, res.status === 200 ? res.body : null, controller);
  }

  /** The first event (already received or still to come) that satisfies `match`. */
  async next(match: (e: SseEvent) => boolean, what: string, timeoutMs = 20_000): Promise<SseEvent> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.events.find(match);
      if (found) return found;
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no ${what} on the stream; got ${this.events.map((e) => e.event).join(', ') || 'nothing'}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  close(): void {
    this.controller.abort();
  }

  private async pump(body: ReadableStream<Uint8Array>): Promise<void> {
    const decoder = new TextDecoder();
    let buffer = '';
    try {
      for await (const chunk of body) {
        buffer += decoder.decode(chunk, { stream: true });
        let cut: number;
        while ((cut = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, cut);
          buffer = buffer.slice(cut + 2);
          const lines = block.split('\n');
          const event = lines.find((l) => l.startsWith('event: '))?.slice(7);
          const data = lines.find((l) => l.startsWith('data: '))?.slice(6);
          if (event && data) this.events.push({ event, data: JSON.parse(data) as unknown });
        }
        this.wake();
      }
    } catch {
      // Aborted by close(): the stream simply ends.
    } finally {
      this.wake();
    }
  }

  private wake(): void {
    const waiting = this.waiters;
    this.waiters = [];
    for (const w of waiting) w();
  }
}
