import type { ErrorCode } from '../../shared/errors.ts';
import type { Logger } from '../../shared/logger.ts';

const TOP = 5;

/**
 * Refused logins and connections, told as one line per window instead of one per attempt:
 * 300 wrong secrets make one warning naming the codes, the devices and the addresses most
 * involved, not 300 lines that bury everything else.
 */
export class RefusalSummary {
  private codes = new Map<string, number>();
  private devices = new Map<string, number>();
  private addresses = new Map<string, number>();
  private total = 0;
  private readonly timer: NodeJS.Timeout;

  constructor(
    private readonly logger: Logger,
    windowMs: number,
  ) {
    this.timer = setInterval(() => this.flush(), windowMs);
    this.timer.unref();
  }

  add(code: ErrorCode, deviceId: string | undefined, address: string | undefined): void {
    this.total += 1;
    bump(this.codes, code);
    if (deviceId) bump(this.devices, deviceId.slice(0, 64));
    if (address) bump(this.addresses, address);
  }

  flush(): void {
    if (this.total === 0) return;
    this.logger.warn(
      { refused: this.total, byCode: Object.fromEntries(this.codes), topDevices: top(this.devices), topAddresses: top(this.addresses) },
      `${this.total} logins or connections refused since the last summary`,
    );
    this.codes = new Map();
    this.devices = new Map();
    this.addresses = new Map();
    this.total = 0;
  }

  close(): void {
    clearInterval(this.timer);
    this.flush();
  }
}

function bump(m: Map<string, number>, k: string): void {
  // Bounded: a scan over many ids or addresses keeps only the first few thousand.
  if (!m.has(k) && m.size >= 5_000) return;
  m.set(k, (m.get(k) ?? 0) + 1);
}

const top = (m: Map<string, number>) => Object.fromEntries([...m].sort((a, b) => b[1] - a[1]).slice(0, TOP));
