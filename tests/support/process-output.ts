import type { ChildProcess } from 'node:child_process';

/** A child's stdout, kept whole, with a way to wait for a condition on it. */
export class ProcessOutput {
  text = '';
  private readonly watchers = new Set<() => void>();

  /** `name` says, in a failure, which process exited too early ("npm start", "the platform"). */
  constructor(
    private readonly proc: ChildProcess,
    private readonly name: string,
  ) {
    proc.stdout!.on('data', (chunk: Buffer) => {
      this.text += chunk.toString();
      for (const w of this.watchers) w();
    });
  }

  /** Resolves when `test` holds on the output so far; rejects if the process exits first. */
  until<T>(what: string, test: () => T | undefined): Promise<T> {
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const found = test();
        if (found === undefined) return;
        this.watchers.delete(check);
        this.proc.off('exit', onExit);
        resolve(found);
      };
      const onExit = (code: number | null): void => {
        this.watchers.delete(check);
        reject(new Error(`${this.name} exited (${code}) before ${what}; output:\n${this.text.slice(-4000)}`));
      };
      this.watchers.add(check);
      this.proc.once('exit', onExit);
      check();
    });
  }
}
