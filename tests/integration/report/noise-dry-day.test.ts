/** The noise report on the shipped dry day, its night (00:00–06:00, where all its quiet-hours motion is): no incident, no ticket. */
import { describe, expect, it } from 'vitest';
import { expectNoiseTargets, playShipped } from '../../support/noise-scenario.ts';

describe('noise report of the dry day', () => {
  it('nothing is scripted and the desk gets nothing: the residents’ night-time bursts stay alerts on the strip', async () => {
    // The full day (npm run noise-report) gives the same: no ticket at all.
    const run = await playShipped('dry-day', { durationS: 6 * 3600 });
    expectNoiseTargets(run);
    expect(run.report.incidents).toEqual([]);
    expect(run.report.byRule).toEqual([]);
    expect(run.report.unexplained).toEqual([]);
    expect(run.report.selfResolved).toEqual([]);
    // The quiet-hours rule did fire: residents walking home in the lanes are alerts, nobody's job
    // (nobody lingered: no digest). The gate cameras keep no quiet hours on the reference site.
    const motion = run.alerts.filter((a) => a.alertType === 'camera.quiet-hours-motion');
    expect(motion.length).toBeGreaterThan(10);
    expect(new Set(motion.map((a) => a.disposition.kind))).toEqual(new Set(['alert-only']));
    expect(motion.some((a) => ['dl8-cam-01', 'dl8-cam-02', 'dl8-cam-03', 'dl8-cam-04'].includes(a.subject.deviceId ?? ''))).toBe(false);
  }, 600_000);
});
