import type { ScenarioInput } from '../../../simulators/scenario.ts';

/**
 * An evening the desk might see, played before the browser tests so the board, plan and
 * charts have something real on them: a storm over the compound with M3 half blocked by
 * grease, a camera losing video, another covered, a unit door propped open.
 * It ends at the moment the test starts.
 */
export const EVENING_SCENE: Omit<ScenarioInput, 'startAt'> = {
  name: 'browser-test-evening',
  description: 'Storm with a half-blocked M3, camera trouble and a propped door, ending now.',
  seed: 5,
  speed: 60,
  durationS: 5400,
  events: [
    { at: 0, do: 'grease-blockage', target: 'm3', blockage: 0.55, ratePerHour: 0.01 },
    { at: 1800, do: 'rainstorm', target: '*', durationS: 3600, intensityMmH: 40 },
    { at: 4200, do: 'video-loss', target: 'dl8-cam-03', durationS: 3600 },
    { at: 4800, do: 'held-open', target: 'b2-u3', durationS: 1800 },
    { at: 5000, do: 'tamper', target: 'dl8-cam-05', mode: 'cover', durationS: 1800 },
  ],
};
