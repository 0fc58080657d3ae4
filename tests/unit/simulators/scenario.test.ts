import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { loadScenarioFile, parseScenario, resolveScenarioEvents, scenarioUtcOffsetMin, selectDevices } from '../../../simulators/scenario.ts';
import { configError, siteDevices } from './fixtures.ts';

const SCENARIO_DIR = fileURLToPath(new URL('../../../simulators/scenarios/', import.meta.url));


const example = {
  seed: 42,
  speed: 60,
  durationS: 3600,
  startAt: '2026-07-15T18:00:00+08:00',
  events: [
    { at: 60, do: 'rainstorm', target: 'm3', durationS: 1800, intensityMmH: 40 },
    { at: 10, do: 'forced-open', target: 'dl8-b1-u1-door' },
    { at: 30, do: 'grease-blockage', target: 'm5', ratePerHour: 0.15 },
    { at: 5, do: 'video-loss', target: 'dl8-cam-03', durationS: 120 },
    { at: 20, do: 'held-open', target: 'dl8-gate-n-door', durationS: 90 },
    { at: 40, do: 'tamper', target: 'b2-u1' },
  ],
};

describe('scenario', () => {
  it('parses the documented example and binds targets by device id or place id', () => {
    const scenario = parseScenario(example);
    expect(scenario.seed).toBe(42);
    const bound = resolveScenarioEvents(scenario, siteDevices).map((a) => [a.eventIndex, a.deviceId, a.atMs]);
    expect(bound).toEqual([
      [0, 'dl8-drain-m3', 60_000],
      [1, 'dl8-b1-u1-door', 10_000],
      [2, 'dl8-drain-m5', 30_000],
      [3, 'dl8-cam-03', 5_000],
      [4, 'dl8-gate-n-door', 20_000],
      [5, 'dl8-b2-u1-door', 40_000],
    ]);
  });

  it('a place with several devices binds to those the action fits; * to every one', () => {
    const s = parseScenario({
      events: [
        { at: 1, do: 'video-loss', target: 'gate-n', durationS: 10 },
        { at: 1, do: 'forced-open', target: 'gate-n' },
        { at: 1, do: 'rainstorm', target: '*', durationS: 10, intensityMmH: 20 },
      ],
    });
    const bound = resolveScenarioEvents(s, siteDevices);
    expect(bound.filter((a) => a.eventIndex === 0).map((a) => a.deviceId)).toEqual(['dl8-cam-01', 'dl8-cam-02']);
    expect(bound.filter((a) => a.eventIndex === 1).map((a) => a.deviceId)).toEqual(['dl8-gate-n-door']);
    expect(bound.filter((a) => a.eventIndex === 2)).toHaveLength(8);
  });

  it('fills defaults', () => {
    const s = parseScenario({});
    expect(s).toMatchObject({ seed: 1, speed: 60, durationS: 3600, events: [] });
    expect(s.startAt).toBeUndefined();
  });

  it.each([
    [{ speed: 0 }, 'speed'],
    [{ startAt: '2026-07-15 18:00' }, 'startAt'],
    [{ events: [{ at: 1, do: 'explode', target: 'm3' }] }, 'events.0.do'],
    [{ events: [example.events[0], { at: 1, do: 'rainstorm', target: 'm3', duration: 60, intensityMmH: 40 }] }, 'events.1.duration'],
    [{ events: [{ at: 1, do: 'rainstorm', target: 'm3', durationS: 60 }] }, 'events.0.intensityMmH'],
    [{ events: [{ at: 1, do: 'grease-blockage', target: 'm3', ratePerHour: 2 }] }, 'events.0.ratePerHour'],
    [{ durationS: 100, events: [{ at: 200, do: 'forced-open', target: 'b1-u1' }] }, 'events.0.at'],
    [{ broker: 'http://x' }, 'broker'],
    [{ colour: 'blue' }, 'colour'],
  ])('names the bad key: %j -> %s', (raw, key) => {
    const err = configError(() => parseScenario(raw, 'test.yaml'));
    expect(err.message).toContain(`${key}:`);
    expect(err.message).toContain('test.yaml');
    expect(err.details?.keys).toContain(key);
  });

  it('unknown targets and targets of the wrong kind name the key', () => {
    const events = [...example.events.slice(0, 3), { at: 1, do: 'forced-open', target: 'b9-u9' }];
    expect(configError(() => resolveScenarioEvents(parseScenario({ events }), siteDevices)).message).toMatch(/events\.3\.target: unknown device, place, building or compound 'b9-u9'/);
    const wrongKind = [{ at: 1, do: 'forced-open', target: 'dl8-drain-m3' }];
    expect(configError(() => resolveScenarioEvents(parseScenario({ events: wrongKind }), siteDevices)).message).toMatch(/events\.0\.target: 'dl8-drain-m3' is a drain/);
    const noneThere = [{ at: 1, do: 'rainstorm', target: 'b1-u1', durationS: 5, intensityMmH: 5 }];
    expect(configError(() => resolveScenarioEvents(parseScenario({ events: noneThere }), siteDevices)).message).toMatch(/events\.0\.target: no drain at 'b1-u1'/);
  });

  it('filters devices by kind, id or place, and names an unknown entry', () => {
    expect(selectDevices(siteDevices, ['door', 'drain'])).toHaveLength(34 + 8);
    expect(selectDevices(siteDevices, ['gate-n', 'dl8-drain-m3']).map((d) => d.id)).toEqual(['dl8-gate-n-door', 'dl8-cam-01', 'dl8-cam-02', 'dl8-drain-m3']);
    expect(selectDevices(siteDevices, undefined)).toHaveLength(siteDevices.length);
    expect(configError(() => selectDevices(siteDevices, ['door', 'lift'])).message).toContain('devices.1');
  });

  it('reads the local zone from startAt', () => {
    expect(scenarioUtcOffsetMin({ startAt: '2026-07-15T18:00:00+08:00' })).toBe(480);
    expect(scenarioUtcOffsetMin({ startAt: '2026-07-15T18:00:00-03:30' })).toBe(-210);
    expect(scenarioUtcOffsetMin({ startAt: '2026-07-15T18:00:00Z' })).toBe(0);
    expect(scenarioUtcOffsetMin({ startAt: undefined })).toBe(480);
  });

  it('every shipped scenario loads and binds to the reference site', () => {
    const files = readdirSync(SCENARIO_DIR).filter((f) => f.endsWith('.yaml'));
    expect(files).toEqual(expect.arrayContaining(['dry-day.yaml', 'forced-door.yaml', 'grease-blockage.yaml', 'mixed-night.yaml', 'rainstorm.yaml']));
    for (const f of files) {
      const s = loadScenarioFile(`${SCENARIO_DIR}${f}`);
      expect(s.startAt).toBeDefined();
      expect(() => resolveScenarioEvents(s, siteDevices)).not.toThrow();
      expect(() => selectDevices(siteDevices, s.devices)).not.toThrow();
    }
  });

  it('a missing or malformed file is a config error naming the file', () => {
    expect(configError(() => loadScenarioFile('/nonexistent/x.yaml')).message).toContain('/nonexistent/x.yaml');
  });
});
