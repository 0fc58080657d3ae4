/**
 * The base of the links the notifier sends (ticket links, residents' tracking links):
 * OC_PUBLIC_URL when set, else the HTTP listener's own address. With OC_HTTP_PORT=0 the OS
 * chooses the port when the listener binds, after the notifier started: the composition
 * root calls `bound` then, and until it has, `ready` holds the notifier back, so no
 * message ever carries `localhost:0`.
 */
export class PublicUrl {
  private port: number | undefined;
  private release: (() => void) | undefined;
  private readonly whenBound: Promise<void>;

  private constructor(
    private readonly explicit: string | undefined,
    configuredPort: number,
  ) {
    this.port = explicit !== undefined || configuredPort !== 0 ? configuredPort : undefined;
    this.whenBound = this.port !== undefined ? Promise.resolve() : new Promise((resolve) => (this.release = resolve));
  }

  /** OC_PUBLIC_URL (may be undefined) and the configured HTTP port (0: the OS's choice). */
  static of(explicit: string | undefined, httpPort: number): PublicUrl {
    return new PublicUrl(explicit?.replace(/\/$/, ''), httpPort);
  }

  /** A fixed base (tests, or a known public address). */
  static fixed(url: string): PublicUrl {
    return PublicUrl.of(url, 0);
  }

  /** The HTTP listener is bound on `port`: links name it (an OC_PUBLIC_URL still wins). */
  bound(port: number): void {
    if (this.explicit !== undefined) return;
    this.port = port;
    this.release?.();
  }

  /** False while the base waits for a listener of this process to bind (OC_HTTP_PORT=0, no OC_PUBLIC_URL). */
  get known(): boolean {
    return this.explicit !== undefined || this.port !== undefined;
  }

  /** Resolves once the base is known. */
  ready(): Promise<void> {
    return this.whenBound;
  }

  /** The base, without a trailing slash; throws if asked before the port is known (a wiring mistake). */
  get(): string {
    if (this.explicit !== undefined) return this.explicit;
    if (this.port === undefined) throw new Error('the public URL is asked for before the HTTP port is bound');
    return `http://localhost:${this.port}`;
  }
}
