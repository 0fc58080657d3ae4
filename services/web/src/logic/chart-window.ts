/**
 * Where a ticket's level chart looks. Points are stored at device time (the reading's own
 * clock), while the ticket opens at the service's time of reading it: the same moment for a
 * device online, hours apart for one that flushes its queue after an outage. So the chart
 * is anchored on the device time of the reading that opened the ticket.
 */
import type { LinkedEvent, Ticket, TimelineEntry } from '../api/types.ts';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;

/** Device time of the reading that opened the ticket; the opening time when that reading is not at hand. */
export function alertMoment(ticket: Pick<Ticket, 'openedAt'>, timeline: readonly TimelineEntry[], linkedEvents: readonly LinkedEvent[]): number {
  const eventId = timeline.find((e) => e.action === 'opened')?.data?.eventId;
  if (typeof eventId !== 'string') return ticket.openedAt;
  const body = linkedEvents.find((e) => e.eventId === eventId)?.body as { ts?: unknown } | undefined;
  const at = typeof body?.ts === 'string' ? Date.parse(body.ts) : Number.NaN;
  return Number.isFinite(at) ? at : ticket.openedAt;
}

/**
 * Two hours before the alert and up to four after, cut at the present: the later of now
 * and a minute after the alert, so a device clock ahead of ours still shows its alert.
 */
export function chartWindow(alertAt: number, now: number): { from: number; to: number } {
  return { from: alertAt - 2 * HOUR, to: Math.min(alertAt + 4 * HOUR, Math.max(now, alertAt + MINUTE)) };
}
