import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { incidentLabel, liveStart, liveStartAfter, MIN_LIVE_HISTORY_MS, resumeScript } from '../../../simulators/live-start.ts';
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
    record.save({ reachedMs: NOW + 1234, scenario: 'live-demo', scriptStartMs: NOW - 3_600_000, played: ['60 s forced-open dl8-b3-u2-door'] });
    expect(record.load()).toEqual({ reachedMs: NOW + 1234, scenario: 'live-demo', scriptStartMs: NOW - 3_600_000, played: ['60 s forced-open dl8-b3-u2-door'] });
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
    expect(liveStartAfter(demo, NOW, reached?.reachedMs)).toEqual(liveStart(demo, NOW));
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

describe('resumeScript: a restart continues the script of the first run', () => {
  const script = {
    durationS: 3600,
    events: [
      { at: 60, do: 'forced-open' as const, target: 'dl8-b3-u2-door' },
      { at: 120, do: 'held-open' as const, target: 'gate-n', durationS: 240 },
      { at: 900, do: 'video-loss' as const, target: 'dl8-cam-07', durationS: 600 },
    ],
  };
  const scriptStart = NOW - 3_600_000;

  it('on a first run (nothing reached) keeps every incident at its time', () => {
    const r = resumeScript(script, scriptStart, scriptStart, undefined);
    expect(r.events).toEqual(script.events);
    expect(r.durationS).toBe(3600);
    expect(r.played).toEqual([]);
  });

  it('never fires again what simulated time already got past; what is ahead keeps its moment', () => {
    const reached = scriptStart + 300_000;
    const restart = reached + 1000;
    const r = resumeScript(script, scriptStart, restart, reached);
    expect(r.played.map(incidentLabel)).toEqual(['60 s forced-open dl8-b3-u2-door', '120 s held-open gate-n']);
    expect(r.events).toEqual([{ ...script.events[2], at: 900 - 301 }]);
    expect(restart + r.events[0]!.at * 1000).toBe(scriptStart + 900_000);
    expect(r.durationS).toBe(3600 - 301);
  });

  it('leaves out an incident whose time passed while nothing ran, rather than firing it late', () => {
    const reached = scriptStart + 100_000;
    const r = resumeScript(script, scriptStart, scriptStart + 1_000_000, reached);
    expect(r.played.map(incidentLabel)).toEqual(['60 s forced-open dl8-b3-u2-door']);
    expect(r.missed.map(incidentLabel)).toEqual(['120 s held-open gate-n', '900 s video-loss dl8-cam-07']);
    expect(r.events).toEqual([]);
  });
});
