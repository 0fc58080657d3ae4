import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { liveStart, liveStartAfter, MIN_LIVE_HISTORY_MS } from '../../../simulators/live-start.ts';
import { LIVE_DEMO_SCENARIO } from '../../../simulators/live-simulation.ts';
import { loadScenarioFile } from '../../../simulators/scenario.ts';
import { SimTimeRecord } from '../../../simulators/sim-time-record.ts';
import { recordingLogger } from '../../support/recording-logger.ts';

const NOW = Date.parse('2026-11-26T01:52:03.456Z');
const demo = loadScenarioFile(LIVE_DEMO_SCENARIO);

let dir: string | undefined;
afterEach(() => {
  if (dir) rmSync(dir, { recursive: true, force: true });
  dir = undefined;
});

describe('liveStartAfter: a restart never starts before the time the last run reached', () => {
  it('with no record (first run) is exactly liveStart', () => {
    expect(liveStartAfter(demo, NOW, undefined)).toEqual(liveStart(demo, NOW));
  });

  it('after a recent run starts just after where it stopped, not an hour back', () => {
    const reached = NOW - 5 * 60_000 - 300;
    const start = liveStartAfter(demo, NOW, reached);
    expect(start.historyMs).toBeLessThan(MIN_LIVE_HISTORY_MS);
    expect(Date.parse(start.startAt)).toBeGreaterThan(reached);
    expect(Date.parse(start.startAt) - reached).toBeLessThanOrEqual(1_000);
    expect(start.startAt).toMatch(/\+08:00$/);
  });

  it('after a run that stopped longer ago than the history wanted starts as liveStart does', () => {
    expect(liveStartAfter(demo, NOW, NOW - 3 * MIN_LIVE_HISTORY_MS)).toEqual(liveStart(demo, NOW));
  });

  it('with a record in the future starts now', () => {
    const start = liveStartAfter(demo, NOW, NOW + 10 * 60_000);
    expect(start.historyMs).toBe(0);
    expect(Date.parse(start.startAt)).toBe(Math.floor(NOW / 1000) * 1000);
  });
});

describe('SimTimeRecord', () => {
  it('has nothing before the first save, then reads back what was saved, written by rename (no temp file left)', () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-simtime-'));
    const { logger, lines } = recordingLogger();
    const record = new SimTimeRecord(join(dir, 'sim', 'sim-time.json'), logger);
    expect(record.load()).toBeUndefined();
    record.save(NOW);
    record.save(NOW + 1234);
    expect(record.load()).toBe(NOW + 1234);
    expect(readdirSync(join(dir, 'sim'))).toEqual(['sim-time.json']);
    expect(JSON.parse(readFileSync(record.path, 'utf8'))).toMatchObject({ reachedAt: new Date(NOW + 1234).toISOString() });
    expect(lines.filter((l) => l.level === 40)).toEqual([]);
  });

  it.each([
    ['garbage', '{"reachedMs": 17'],
    ['a wrong shape', '{"reachedMs": "yesterday"}'],
  ])('warns clearly on %s and gives nothing, so the start is the first run\'s', (_what, content) => {
    dir = mkdtempSync(join(tmpdir(), 'oc-simtime-'));
    const path = join(dir, 'sim-time.json');
    writeFileSync(path, content);
    const { logger, lines } = recordingLogger();
    const reached = new SimTimeRecord(path, logger).load();
    expect(reached).toBeUndefined();
    expect(liveStartAfter(demo, NOW, reached)).toEqual(liveStart(demo, NOW));
    const warnings = lines.filter((l) => l.level === 40);
    expect(warnings).toHaveLength(1);
    expect(warnings[0]).toMatchObject({ file: path });
    expect(String(warnings[0]!.msg)).toMatch(/cannot read how far the last simulation got/);
  });

  it('warns on a file it cannot read', () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-simtime-'));
    // A directory where the file should be: unreadable for any user, root included (EISDIR).
    const path = join(dir, 'sim-time.json');
    mkdirSync(path);
    const { logger, lines } = recordingLogger();
    expect(new SimTimeRecord(path, logger).load()).toBeUndefined();
    expect(lines.filter((l) => l.level === 40)).toHaveLength(1);
  });
});
