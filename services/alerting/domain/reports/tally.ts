/**
 * How many reports a ticket carries and where they came from (issue 16): the desk's
 * "4 reports" and its sources (sensor, call, resident QR), kept on the ticket itself so the
 * board's list and the live stream carry it with no second query.
 */
import type { ReportTally, Ticket, TicketSource } from '../tickets/types.ts';

/** Where the ticket's first report came from: its alert type says. */
export const openingSource = (t: Pick<Ticket, 'alertType'>): TicketSource =>
  t.alertType === 'report.call' ? 'call' : t.alertType === 'report.resident' ? 'resident' : 'sensor';

/** The tally as stored, or (a ticket from before tallies, or a sensor's nobody reported) its one opening report. */
export const reportTally = (t: Pick<Ticket, 'alertType' | 'reports'>): ReportTally => t.reports ?? { count: 1, sources: [openingSource(t)] };

/** One more report from `source`. */
export const tallied = (tally: ReportTally, source: TicketSource): ReportTally => ({
  count: tally.count + 1,
  sources: tally.sources.includes(source) ? [...tally.sources] : [...tally.sources, source],
});

/** People (not only a sensor) reported it: then a person, not a sensor's clear, says it is fixed. */
export const peopleReported = (t: Pick<Ticket, 'alertType' | 'reports'>): boolean => reportTally(t).sources.some((s) => s !== 'sensor');
