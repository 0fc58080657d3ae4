/** The noise report on the shipped dry day, its night (00:00–06:00, where all its tickets are): no incident, so every ticket is noise. */
import { describe, expect, it } from 'vitest';
import { byType, playShipped } from '../../support/noise-scenario.ts';

describe('noise report of the dry day', () => {
  it('nothing is scripted; the night’s quiet-hours motion is all the desk gets (i14b’s digest makes it one ticket)', async () => {
    // The full day (npm run noise-report) gives the same tickets: they all open between 00:30 and 05:00.
    const run = await playShipped('dry-day', { durationS: 6 * 3600 });
    expect(run.report.incidents).toEqual([]);
    expect(run.report.byRule).toEqual([{ alertType: 'camera.quiet-hours-motion', priority: 'P3', tickets: 28 }]);
    expect(byType(run.report.unexplained)).toEqual({ 'camera.quiet-hours-motion': 28 });
    expect(byType(run.report.selfResolved)).toEqual({ 'camera.quiet-hours-motion': 23 });
    expect(run.tickets.filter((t) => t.ticket.category === 'drainage')).toEqual([]);
  }, 600_000);
});
