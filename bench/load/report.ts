import type { LoadReport } from '../lib/messages.ts';

/** Resolves once the message is handed to the IPC channel, so that exiting afterwards cannot lose it. */
export const reportToBench = (message: LoadReport): Promise<void> =>
  new Promise((resolve) => {
    if (!process.send) return resolve();
    process.send(message, undefined, {}, () => resolve());
  });

/** A load child that cannot do its job says why and exits; the bench prints it. */
export async function failAndExit(err: unknown): Promise<never> {
  await reportToBench({ type: 'failed', message: err instanceof Error ? (err.stack ?? err.message) : String(err) });
  process.exit(1);
}

/** Runs `task` for each item with at most `limit` at once. */
export async function withConcurrency<T>(items: readonly T[], limit: number, task: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async (): Promise<void> => {
    while (next < items.length) await task(items[next++]!);
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}
