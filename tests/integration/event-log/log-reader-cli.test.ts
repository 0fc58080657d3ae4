/**
 * `npm run log`: reads the embedded log file read-only, without a consumer group, and
 * shows dead letters with their code, reason, sender and raw payload.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PLATFORM_TOPICS } from '../../../services/event-log/platform-topics.ts';
import { SqliteLogReader } from '../../../services/event-log/reader/sqlite-log-reader.ts';
import { SqliteEventLog } from '../../../services/event-log/sqlite/sqlite-event-log.ts';
import { deadLetterRecord } from '../../../services/shared/dead-letter.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';

const ROOT = join(import.meta.dirname, '../../..');
let dir: string;
beforeEach(() => {
  dir = mkdtempSync(join(tmpdir(), 'oc-log-reader-'));
});
afterEach(() => rmSync(dir, { recursive: true, force: true }));

const envelope = (deviceId: string, seq: number) => JSON.stringify({ v: 1, id: `${deviceId}-${seq}`, deviceId, kind: 'door', type: 'door.opened', ts: '2026-11-26T02:00:00.000Z', seq, data: {} });

async function writeLog(): Promise<string> {
  const path = join(dir, 'events.db');
  const log = SqliteEventLog.open({ path, logger: silentLogger() });
  await log.ensureTopics(PLATFORM_TOPICS);
  for (let seq = 0; seq < 5; seq++) {
    await log.append(LOG_TOPICS.events, [
      { key: 'dl8-b1-u1-door', value: envelope('dl8-b1-u1-door', seq) },
      { key: 'dl8-b1-u2-door', value: envelope('dl8-b1-u2-door', seq) },
    ]);
  }
  const payload = Buffer.from('{"v":1,"id":"broken');
  await log.append(LOG_TOPICS.deadletter, [
    {
      key: 'dl8-drain-m3',
      value: deadLetterRecord({ code: 'OC_ENVELOPE_MALFORMED_JSON', reason: 'Unexpected end of JSON input', clientId: 'dl8-drain-m3', topic: 'oc/v1/dl8-drain-m3/telemetry', payload, receivedAt: Date.UTC(2026, 10, 26, 2) }),
    },
  ]);
  await log.close();
  return path;
}

const runCli = (...args: string[]) =>
  spawnSync(process.execPath, ['--import', 'tsx', join(ROOT, 'services/event-log/reader/cli.ts'), ...args], { cwd: ROOT, env: { ...process.env, OC_DATA_DIR: dir, OC_EVENT_LOG: 'embedded' }, encoding: 'utf8', timeout: 60_000 });

describe('npm run log', () => {
  it('reads the newest records of a topic, oldest first, by device, without creating a consumer group', async () => {
    const path = await writeLog();
    const reader = SqliteLogReader.open(path);
    try {
      const last = reader.read({ topic: LOG_TOPICS.events, key: 'dl8-b1-u2-door', last: 3 });
      expect(last.map((r) => JSON.parse(r.value.toString()).seq)).toEqual([2, 3, 4]);
      expect(new Set(last.map((r) => r.key))).toEqual(new Set(['dl8-b1-u2-door']));
      expect(reader.read({ topic: LOG_TOPICS.events, last: 100 })).toHaveLength(10);
      expect(reader.topics()).toContainEqual({ topic: LOG_TOPICS.deadletter, records: 1 });
    } finally {
      reader.close();
    }
    const db = new Database(path, { readonly: true });
    expect(db.prepare('SELECT COUNT(*) AS n FROM committed_offsets').get()).toEqual({ n: 0 });
    db.close();
  });

  it('prints a dead letter with its code, reason, sender and raw payload, and lists the topics', async () => {
    await writeLog();
    const letters = runCli(LOG_TOPICS.deadletter);
    expect(letters.status, letters.stderr).toBe(0);
    expect(letters.stdout).toContain('oc.deadletter/');
    expect(letters.stdout).toContain('OC_ENVELOPE_MALFORMED_JSON: Unexpected end of JSON input | from dl8-drain-m3 on oc/v1/dl8-drain-m3/telemetry | "{\\"v\\":1,\\"id\\":\\"broken"');
    const topics = runCli();
    expect(topics.status, topics.stderr).toBe(0);
    expect(topics.stdout).toMatch(/^oc\.events\s+10$/m);
    const one = runCli(LOG_TOPICS.events, '--device', 'dl8-b1-u1-door', '--last', '2');
    expect(one.stdout.trim().split('\n').map((l) => JSON.parse(l.slice(l.indexOf('{'))).seq)).toEqual([3, 4]);
  });

  it('refuses an unknown topic or a bad --last with a usage error', async () => {
    await writeLog();
    const unknown = runCli('oc.event');
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('no topic oc.event');
    const bad = runCli('oc.events', '--last', '0');
    expect(bad.status).toBe(2);
    expect(bad.stderr).toContain('--last "0"');
  });
});
