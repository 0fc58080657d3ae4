/** The noise report on the shipped dry day, its night (00:00–06:00, where all its tickets are): no incident, so every ticket is noise. */
import { describe, expect, it } from 'vitest';
import { byType, playShipped } from '../../support/noise-scenario.ts';

describe('noise report of the dry day', () => {
  it('nothing is scripted; the night’s quiet-hours motion is all the desk gets, as one digest ticket', async () => {
    // The full day (npm run noise-report) gives the same tickets: they all open between 00:30 and 05:00.
    const run = await playShipped('dry-day', { durationS: 6 * 3600 });
    expect(run.report.incidents).toEqual([]);
    // The night's quiet-hours motion is ONE low-priority digest (i14b), nobody's emergency; nothing scripted explains it.
    expect(run.report.byRule).toEqual([{ alertType: 'camera.night-motion-digest', priority: 'P4', tickets: 1 }]);
    expect(byType(run.report.unexplained)).toEqual({ 'camera.night-motion-digest': 1 });
    expect(run.report.selfResolved).toEqual([]);
    expect(run.tickets.filter((t) => t.ticket.category === 'drainage')).toEqual([]);
  }, 600_000);
});
