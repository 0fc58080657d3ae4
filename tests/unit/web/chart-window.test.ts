import { describe, expect, it } from 'vitest';
import type { TimelineEntry } from '../../../services/alerting/domain/tickets/types.ts';
import type { LinkedEvent } from '../../../services/web/src/api/types.ts';
import { alertMoment, chartWindow } from '../../../services/web/src/logic/chart-window.ts';
import { ticketAt } from './fixtures.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;
const OPENED = Date.parse('2026-11-26T09:40:00+08:00');

const opened = (eventId: unknown): TimelineEntry => ({ ticketId: 'T20260715-0001', seq: 1, at: OPENED, actor: { kind: 'system' }, action: 'opened', toState: 'open', data: { eventId, signalAt: OPENED } });
const reading = (eventId: string, ts: unknown): LinkedEvent => ({ eventId, at: OPENED, body: { v: 1, id: eventId, deviceId: 'dl8-drain-m3', type: 'drain.level', ts, seq: 9, data: { levelMm: 1390 } } });

describe('the level chart of a ticket', () => {
  it('is anchored on the device time of the reading that opened the ticket', () => {
    // The sensor was cut off and flushed its queue: the overflow is three hours older than the ticket.
    const flushed = '2026-11-26T06:40:00.250+08:00';
    expect(alertMoment(ticketAt(OPENED), [opened('m3-9')], [reading('m3-10', '2026-11-26T09:39:00+08:00'), reading('m3-9', flushed)])).toBe(Date.parse(flushed));
  });

  it('falls back to the opening time when that reading or its time is not at hand', () => {
    const ticket = ticketAt(OPENED);
    expect(alertMoment(ticket, [], [reading('m3-9', '2026-11-26T06:40:00+08:00')])).toBe(OPENED);
    expect(alertMoment(ticket, [opened('m3-9')], [reading('m3-8', '2026-11-26T06:40:00+08:00')])).toBe(OPENED);
    expect(alertMoment(ticket, [opened('m3-9')], [reading('m3-9', 'yesterday')])).toBe(OPENED);
    expect(alertMoment(ticket, [opened(42)], [reading('42', '2026-11-26T06:40:00+08:00')])).toBe(OPENED);
  });

  it('shows two hours before the alert and up to four after, cut at the present but never before a minute after the alert', () => {
    const at = OPENED;
    expect(chartWindow(at, at + 30 * MIN)).toEqual({ from: at - 2 * HOUR, to: at + 30 * MIN });
    expect(chartWindow(at, at + 9 * HOUR)).toEqual({ from: at - 2 * HOUR, to: at + 4 * HOUR });
    // A device clock ahead of ours: the alert is still on the chart.
    expect(chartWindow(at, at - 10 * MIN)).toEqual({ from: at - 2 * HOUR, to: at + MIN });
  });
});
