import { describe, expect, it } from 'vitest';
import { buildScenario, inFlagTerms, parseEventFlag, parseSimulatorArgs } from '../../../simulators/cli-args.ts';
import { resolveScenarioEvents } from '../../../simulators/scenario.ts';
import { configError, siteDevices } from './fixtures.ts';

const flagError = (fn: () => unknown): string => configError(fn).message;

describe('simulator command line', () => {
  it('turns flags into the scenario structure', () => {
    const opts = parseSimulatorArgs([
      '--rainstorm', 'm3@60+1800:40',
      '--forced-open', 'dl8-b1-u1-door@10',
      '--forced-open', 'b2-u2@15+40',
      '--held-open', 'gate-n@20+90',
      '--video-loss', 'dl8-cam-03@5+120',
      '--tamper', 'dl8-cam-05@40:blur',
      '--tamper', 'b3-u1@41:reader-removed',
      '--grease-blockage', 'm5@30:0.15',
      '--clear-blockage', 'm5@3000',
      '--motion', 'lane-2@300:doorways',
      '--speed', '60', '--duration', '3600', '--seed', '7',
      '--devices', 'door, drain',
      '--broker', 'mqtt://127.0.0.1:1883',
      '--start-at', '2026-07-15T18:00:00+08:00',
    ]);
    expect(opts.scenario).toEqual({
      seed: 7,
      speed: 60,
      durationS: 3600,
      startAt: '2026-07-15T18:00:00+08:00',
      broker: 'mqtt://127.0.0.1:1883',
      devices: ['door', 'drain'],
      events: [
        { at: 60, do: 'rainstorm', target: 'm3', durationS: 1800, intensityMmH: 40 },
        { at: 10, do: 'forced-open', target: 'dl8-b1-u1-door' },
        { at: 15, do: 'forced-open', target: 'b2-u2', durationS: 40 },
        { at: 20, do: 'held-open', target: 'gate-n', durationS: 90 },
        { at: 5, do: 'video-loss', target: 'dl8-cam-03', durationS: 120 },
        { at: 40, do: 'tamper', target: 'dl8-cam-05', mode: 'blur' },
        { at: 41, do: 'tamper', target: 'b3-u1', reason: 'reader-removed' },
        { at: 300, do: 'motion', target: 'lane-2', zone: 'doorways' },
        { at: 30, do: 'grease-blockage', target: 'm5', ratePerHour: 0.15 },
        { at: 3000, do: 'clear-blockage', target: 'm5' },
      ],
    });
    expect(() => buildScenario(opts)).not.toThrow();
  });

  it('has defaults for paths and timing', () => {
    const opts = parseSimulatorArgs([]);
    expect(opts).toMatchObject({ help: false, scenarioFile: undefined, sitePath: undefined, dataDir: './data/simulator', secretsPath: './data/simulator/device-secrets.json', progressEveryS: 5, drainTimeoutS: 10 });
    expect(opts.scenario).toEqual({ events: [] });
    expect(parseSimulatorArgs(['-h']).help).toBe(true);
  });

  it('flags override the file; flag events come after the file events', () => {
    const file = { seed: 1, speed: 10, durationS: 600, events: [{ at: 5, do: 'forced-open', target: 'b1-u1' }] };
    const opts = parseSimulatorArgs(['--scenario', 'night.yaml', '--speed', '100', '--held-open', 'b1-u2@7+60']);
    const read: string[] = [];
    const scenario = buildScenario(opts, (path) => {
      read.push(path);
      return file;
    });
    expect(read).toEqual(['night.yaml']);
    expect(scenario).toMatchObject({ seed: 1, speed: 100, durationS: 600 });
    expect(scenario.events.map((e) => [e.do, e.target])).toEqual([
      ['forced-open', 'b1-u1'],
      ['held-open', 'b1-u2'],
    ]);
  });

  it('a merged scenario that is invalid names the key and the file', () => {
    const opts = parseSimulatorArgs(['--scenario', 'bad.yaml']);
    const message = flagError(() => buildScenario(opts, () => ({ speed: -1 })));
    expect(message).toContain('bad.yaml: speed:');
  });

  it('a flag event the scenario refuses is named by the flag as typed, after the file\'s events', () => {
    const file = { durationS: 600, events: [{ at: 5, do: 'forced-open', target: 'b1-u1' }] };
    const opts = parseSimulatorArgs(['--scenario', 'night.yaml', '--held-open', 'b1-u2@7+60', '--power-cut', 'dl8@900+60']);
    const message = flagError(() => buildScenario(opts, () => file));
    expect(message).toContain('--power-cut dl8@900+60 (events.2.at): is after the end of the run');
    // A file event keeps its key.
    const fromFile = flagError(() => buildScenario(parseSimulatorArgs(['--scenario', 'night.yaml', '--held-open', 'b1-u2@7+60']), () => ({ ...file, events: [{ at: 900, do: 'forced-open', target: 'b1-u1' }] })));
    expect(fromFile).toContain('events.0.at');
    expect(fromFile).not.toContain('--held-open');
  });

  it('a flag naming a place the site lacks is named by the flag when the events are bound to devices', () => {
    const opts = parseSimulatorArgs(['--power-cut', 'dl9@60+10']);
    const scenario = buildScenario(opts);
    const message = flagError(() => {
      try {
        resolveScenarioEvents(scenario, siteDevices);
      } catch (err) {
        throw inFlagTerms(err, opts.eventFlags, scenario.events.length);
      }
    });
    expect(message).toContain("--power-cut dl9@60+10 (events.0.target): unknown device, place, building or compound 'dl9'");
  });

  it.each([
    ['rainstorm', 'm3@60+1800'],
    ['rainstorm', 'm3@60:40'],
    ['rainstorm', 'm3@sixty+1800:40'],
    ['held-open', 'gate-n@20'],
    ['grease-blockage', 'm5@30'],
    ['grease-blockage', 'm5@30:fast'],
    ['clear-blockage', 'm5@30+10'],
    ['forced-open', 'b1-u1'],
  ] as const)('--%s %s is refused naming the flag', (verb, spec) => {
    expect(flagError(() => parseEventFlag(verb, spec))).toContain(`--${verb} "${spec}": expected TARGET@AT`);
  });

  it('refuses unknown flags and non-numbers', () => {
    expect(flagError(() => parseSimulatorArgs(['--sped', '60']))).toContain('--sped');
    expect(flagError(() => parseSimulatorArgs(['--speed', 'fast']))).toContain('--speed "fast": expected a number');
    expect(flagError(() => parseSimulatorArgs(['--seed', '']))).toContain('--seed');
  });
});
