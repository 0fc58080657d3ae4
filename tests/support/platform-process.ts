import { spawn, type ChildProcess } from 'node:child_process';
import { REPO_ROOT } from './mosquitto-env.ts';
import { ProcessOutput } from './process-output.ts';

/**
 * `services/main.ts` (what `npm start` runs) as a child process on ports the OS picks, with
 * its stdout kept: the summary names the ports, and a test waits for lines on it.
 */
export class PlatformProcess {
  private readonly out: ProcessOutput;

  private constructor(readonly proc: ChildProcess) {
    this.out = new ProcessOutput(proc, 'the platform');
  }

  /** Its stdout so far. */
  get text(): string {
    return this.out.text;
  }

  static start(env: Record<string, string>): PlatformProcess {
    const proc = spawn(process.execPath, ['--import', 'tsx', 'services/main.ts'], {
      cwd: REPO_ROOT,
      env: { ...process.env, OC_MQTT_PORT: '0', OC_HTTP_PORT: '0', OC_LOG_FORMAT: 'json', OC_LOG_LEVEL: 'info', ...env },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    return new PlatformProcess(proc);
  }

  /** Resolves when `test` holds on the output so far; rejects if the process exits first. */
  until<T>(what: string, test: () => T | undefined): Promise<T> {
    return this.out.until(what, test);
  }

  /** Waits for the start-up summary; returns the bound ports it names. */
  async started(): Promise<{ http: number; mqtt: number }> {
    await this.until('the start-up summary', () => (this.text.includes('Ctrl-C stops everything cleanly') ? true : undefined));
    const field = (label: string) => this.text.split('\n').find((l) => l.startsWith(`  ${label} `)) ?? '';
    return {
      http: Number(/http:\/\/127\.0\.0\.1:(\d+)\//.exec(field('API'))?.[1]),
      mqtt: Number(/mqtt:\/\/127\.0\.0\.1:(\d+)/.exec(field('MQTT gateway'))?.[1]),
    };
  }

  /** SIGINT, as Ctrl-C; resolves with the exit code. */
  stop(): Promise<number | null> {
    if (this.proc.exitCode !== null) return Promise.resolve(this.proc.exitCode);
    const exited = new Promise<number | null>((resolve) => this.proc.once('exit', (code) => resolve(code)));
    this.proc.kill('SIGINT');
    return exited;
  }

  kill(): void {
    if (this.proc.exitCode === null && this.proc.signalCode === null) this.proc.kill('SIGKILL');
  }
}
