import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterEach, describe, expect, it } from 'vitest';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { offsetsOf, startCollector, valuesOf } from '../../support/event-log-collector.ts';

/**
 * The embedded log's consumer groups across a real crash: a consumer process is
 * SIGKILLed in the middle of a batch (no close, no flush), and the group, started
 * again on the same file, resumes at the first uncommitted record: the batch in
 * progress comes again, nothing committed does, nothing is skipped.
 */
const HERE = dirname(fileURLToPath(import.meta.url));
const ROOT = resolve(HERE, '../../..');
const WORKER = join(HERE, 'support/crash-consumer.ts');
const TOPIC = 'oc.events';
const GROUP = 'alerting';

let dir: string;
let child: ChildProcess | undefined;
const opened: SqliteEventLog[] = [];
afterEach(async () => {
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  await Promise.all(opened.splice(0).map((log) => log.close()));
  rmSync(dir, { recursive: true, force: true });
});

const openLog = (path: string) => {
  const log = SqliteEventLog.open({ path });
  opened.push(log);
  return log;
};

type WorkerLine = { handled?: number[]; holding?: number[] };

/** Collects the worker's report lines and resolves once it holds a batch. */
function runUntilHolding(proc: ChildProcess): Promise<{ handled: number[]; holding: number[] }> {
  return new Promise((resolvePromise, reject) => {
    const handled: number[] = [];
    let text = '';
    proc.stdout!.on('data', (chunk: Buffer) => {
      text += chunk.toString();
      const lines = text.split('\n');
      text = lines.pop()!;
      for (const line of lines.filter(Boolean)) {
        const parsed = JSON.parse(line) as WorkerLine;
        if (parsed.handled) handled.push(...parsed.handled);
        if (parsed.holding) resolvePromise({ handled, holding: parsed.holding });
      }
    });
    proc.once('exit', (code) => reject(new Error(`consumer exited with ${code} before holding a batch`)));
  });
}

describe('SqliteEventLog: a consumer group after its process was killed', () => {
  it('resumes at the batch that was in progress, with nothing lost and nothing committed handed out again', { timeout: 60_000 }, async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-log-crash-'));
    const path = join(dir, 'events.sqlite');
    const writer = openLog(path);
    await writer.ensureTopics([{ name: TOPIC }]);
    const total = 60;
    await writer.append(TOPIC, Array.from({ length: total }, (_, i) => ({ key: `dev-${i % 4}`, value: `event-${i}` })));

    child = spawn(process.execPath, ['--import', 'tsx', WORKER, path, TOPIC, GROUP, '35'], { cwd: ROOT, stdio: ['ignore', 'pipe', 'inherit'] });
    const { handled, holding } = await runUntilHolding(child);
    const killed = new Promise<NodeJS.Signals | null>((done) => child!.once('exit', (_code, signal) => done(signal)));
    child.kill('SIGKILL');
    expect(await killed).toBe('SIGKILL');
    expect(handled).toEqual([...Array(30).keys()]);
    expect(holding).toEqual([30, 31, 32, 33, 34, 35, 36, 37, 38, 39]);

    // Appended while the group has no member, then the group comes back on a fresh open of the file.
    await writer.append(TOPIC, [{ key: 'dev-0', value: 'after-crash' }]);
    const restarted = openLog(path);
    const group = await startCollector(restarted, { topics: [TOPIC], groupId: GROUP });
    await group.waitUntil(() => group.accepted.length >= total - handled.length + 1);
    await group.close();

    expect(offsetsOf(group.accepted)[0]).toBe(holding[0]);
    expect([...handled, ...offsetsOf(group.accepted)]).toEqual([...Array(total + 1).keys()]);
    expect(valuesOf(group.accepted).at(-1)).toBe('after-crash');
  });
});
