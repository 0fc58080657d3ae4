import { fork, type ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

const BENCH_DIR = fileURLToPath(new URL('..', import.meta.url));

interface Waiter {
  type: string;
  resolve: (message: { type: string }) => void;
  reject: (err: Error) => void;
}

/**
 * A bench process (broker or load generator) run as TypeScript through tsx, with GC
 * exposed so that memory is measured after a full collection. Messages arrive over
 * IPC; `next(type)` waits for one, and fails as soon as the child dies.
 */
export class BenchChild<Report extends { type: string }, Command extends { type: string }> {
  private readonly inbox: Report[] = [];
  private readonly waiters: Waiter[] = [];
  private exited: Error | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly name: string,
  ) {
    child.on('message', (message: Report) => {
      if (message.type === 'failed') {
        this.failAll(new Error(`${name}: ${(message as unknown as { message: string }).message}`));
        return;
      }
      const index = this.waiters.findIndex((w) => w.type === message.type);
      if (index >= 0) this.waiters.splice(index, 1)[0]!.resolve(message);
      else this.inbox.push(message);
    });
    // 'close', not 'exit': it comes after the IPC channel has delivered everything the child sent.
    child.on('close', (code, signal) => this.failAll(new Error(`${name} exited (code ${code}, signal ${signal})`)));
  }

  static start<R extends { type: string }, C extends { type: string }>(script: string, args: string[] = []): BenchChild<R, C> {
    const child = fork(`${BENCH_DIR}${script}`, args, {
      // Resolved here so that the child finds tsx whatever its working directory.
      execArgv: ['--expose-gc', '--import', import.meta.resolve('tsx')],
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
      // Silent logs: a pretty-printing worker thread would be counted in the broker's memory.
      env: { ...process.env, OC_LOG_LEVEL: 'silent', OC_LOG_FORMAT: 'json' },
    });
    return new BenchChild<R, C>(child, script);
  }

  next<T extends Report['type']>(type: T, timeoutMs = 180_000): Promise<Extract<Report, { type: T }>> {
    const queued = this.inbox.findIndex((m) => m.type === type);
    if (queued >= 0) return Promise.resolve(this.inbox.splice(queued, 1)[0] as Extract<Report, { type: T }>);
    if (this.exited) return Promise.reject(this.exited);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.name}: no '${type}' within ${timeoutMs} ms`)), timeoutMs);
      this.waiters.push({
        type,
        resolve: (m) => {
          clearTimeout(timer);
          resolve(m as Extract<Report, { type: T }>);
        },
        reject: (err) => {
          clearTimeout(timer);
          reject(err);
        },
      });
    });
  }

  send(command: Command): void {
    this.child.send(command);
  }

  /** Waits for the child to exit on its own (after a stop command), killing it if it does not. */
  async exit(timeoutMs = 20_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    await new Promise<void>((resolve) => {
      const timer = setTimeout(() => this.child.kill('SIGKILL'), timeoutMs);
      this.child.once('exit', () => {
        clearTimeout(timer);
        resolve();
      });
    });
  }

  /**
   * For error paths: SIGTERM, which lets a broker child take down what it started
   * (the Mosquitto process), then SIGKILL if it is still there after a moment.
   */
  async terminate(graceMs = 5_000): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.kill('SIGTERM');
    await this.exit(graceMs);
  }

  private failAll(err: Error): void {
    this.exited ??= err;
    for (const waiter of this.waiters.splice(0)) waiter.reject(err);
  }
}
