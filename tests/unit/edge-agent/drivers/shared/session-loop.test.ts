import { describe, expect, it } from 'vitest';
import { SessionLoop } from '../../../../../edge-agent/drivers/shared/session-loop.ts';
import { silentLogger } from '../../../../../services/shared/logger.ts';

/** A promise and its resolver, so the test can hold a session open and end it when it chooses. */
function deferred(): { promise: Promise<void>; resolve: () => void } {
  let resolve!: () => void;
  const promise = new Promise<void>((r) => (resolve = r));
  return { promise, resolve };
}

describe('session loop (shared by every driver)', () => {
  it('runs a session after each failure, tells each failure, and cleans up after every session', async () => {
    const seen: string[] = [];
    const third = deferred();
    let n = 0;
    const loop = new SessionLoop({
      backoff: { initialMs: 1, maxMs: 2 },
      session: async () => {
        n += 1;
        seen.push(`session ${n}`);
        if (n < 3) throw new Error(`failure ${n}`);
        third.resolve();
        while (!loop.stopping) await loop.pause(60_000);
      },
      onFailure: (err) => seen.push((err as Error).message),
      afterSession: async () => void seen.push('cleanup'),
      log: silentLogger(),
    });
    loop.start();
    loop.start(); // a second start is a no-op: one loop only
    await third.promise;
    // The pause in the third session is an hour long: stop() must end it rather than wait.
    await loop.stop();
    expect(seen).toEqual(['session 1', 'failure 1', 'cleanup', 'session 2', 'failure 2', 'cleanup', 'session 3', 'cleanup']);
  });

  it('does not report a failure caused by stopping, and starts nothing once stopped', async () => {
    const failures: unknown[] = [];
    const open = deferred();
    const cut = deferred();
    let sessions = 0;
    const loop = new SessionLoop({
      backoff: { initialMs: 3_600_000, maxMs: 3_600_000 },
      session: async () => {
        sessions += 1;
        open.resolve();
        await cut.promise;
        throw new Error('socket closed under the session');
      },
      onFailure: (err) => failures.push(err),
      log: silentLogger(),
    });
    loop.start();
    await open.promise;
    const stopped = loop.stop();
    cut.resolve(); // what a driver's close() does: cut the socket the session waits on
    await stopped;
    loop.start();
    expect(await loop.pause(3_600_000)).toBeUndefined();
    expect([sessions, failures.length, loop.stopping]).toEqual([1, 0, true]);
  });

  it('stops a loop that never started', async () => {
    const loop = new SessionLoop({ backoff: { initialMs: 1, maxMs: 1 }, session: async () => {}, onFailure: () => {}, log: silentLogger() });
    await loop.stop();
    expect(loop.stopping).toBe(true);
  });
});
