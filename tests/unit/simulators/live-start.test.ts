import { describe, expect, it } from 'vitest';
import { isoAtOffset, liveStart, MAX_LIVE_HISTORY_MS, MIN_LIVE_HISTORY_MS, scriptedEndMs } from '../../../simulators/live-start.ts';
import { LIVE_DEMO_SCENARIO } from '../../../simulators/live-simulation.ts';
import { loadScenarioFile, parseScenario, scenarioUtcOffsetMin } from '../../../simulators/scenario.ts';

const NOW = Date.parse('2026-11-26T01:52:03.456Z');

describe('liveStart', () => {
  it("starts the live demo an hour before now, in the scenario's zone, so its scripted incidents play at 10x before it reaches now", () => {
    const demo = loadScenarioFile(LIVE_DEMO_SCENARIO);
    const start = liveStart(demo, NOW);
    expect(start).toEqual({ startAt: '2026-11-26T08:52:03+08:00', historyMs: MIN_LIVE_HISTORY_MS });
    expect(Date.parse(start.startAt)).toBe(Date.parse('2026-11-26T00:52:03Z'));
    expect(scenarioUtcOffsetMin({ startAt: start.startAt })).toBe(8 * 60);
    // The run catches up with the wall clock after S·H/(S−1) simulated: after the storm is over.
    expect((demo.speed * start.historyMs) / (demo.speed - 1)).toBeGreaterThanOrEqual(scriptedEndMs(demo));
    // The start is a valid scenario start.
    expect(() => parseScenario({ ...demo, startAt: start.startAt })).not.toThrow();
  });

  it('goes back further when the scripted part is longer, up to a day, and not at all at real-time speed', () => {
    const long = parseScenario({ startAt: '2026-07-15T18:00:00-05:00', speed: 4, durationS: 86_400, events: [{ at: 7200, do: 'rainstorm', target: '*', durationS: 3600, intensityMmH: 30 }] });
    // 3 h scripted at 4x: caught up after 4/3 of the history, so 2 h 15 min of it.
    expect(liveStart(long, NOW)).toEqual({ startAt: '2026-11-25T18:37:03-05:00', historyMs: 8_100_000 });

    const huge = parseScenario({ speed: 2, durationS: 7 * 86_400, events: [{ at: 5 * 86_400, do: 'motion', target: 'dl8-cam-01' }] });
    expect(liveStart(huge, NOW).historyMs).toBe(MAX_LIVE_HISTORY_MS);

    const realTime = parseScenario({ speed: 1, events: [{ at: 60, do: 'motion', target: 'dl8-cam-01' }] });
    expect(liveStart(realTime, NOW)).toEqual({ startAt: '2026-11-26T09:52:03+08:00', historyMs: 0 });
  });
});

describe('isoAtOffset', () => {
  it('writes an instant in a zone east or west of UTC', () => {
    expect(isoAtOffset(Date.parse('2026-01-01T00:30:00Z'), 8 * 60)).toBe('2026-01-01T08:30:00+08:00');
    expect(isoAtOffset(Date.parse('2026-01-01T00:30:00Z'), -(5 * 60 + 30))).toBe('2025-12-31T19:00:00-05:30');
    expect(isoAtOffset(Date.parse('2026-01-01T00:30:00Z'), 0)).toBe('2026-01-01T00:30:00+00:00');
  });
});
