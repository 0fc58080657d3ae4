import type { ChildProcess } from 'node:child_process';

/** Resolves when a child bench process exits cleanly; rejects with its exit code otherwise. */
export function runScript(child: ChildProcess): Promise<void> {
  return new Promise((resolve, reject) => {
    child.once('error', reject);
    child.once('exit', (code) => (code === 0 ? resolve() : reject(new Error(`bench child exited with ${code}`))));
  });
}
