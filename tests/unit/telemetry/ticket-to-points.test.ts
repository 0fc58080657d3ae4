import { describe, expect, it } from 'vitest';
import type { LogRecord } from '../../../services/event-log/port.ts';
import { LOG_TOPICS } from '../../../services/shared/topics.ts';
import { numberOf, statesAfter, ticketRecordToPoints, type MappedTicket } from '../../../services/telemetry/ticket-to-points.ts';

const OPENED = Date.UTC(2026, 5, 1, 8, 0, 0, 0);
const T = OPENED + 95_500;

let offset = 0;
const record = (value: unknown): LogRecord => ({
  topic: LOG_TOPICS.tickets,
  partition: 1,
  offset: offset++,
  key: 'T20260601-0042',
  value: Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)),
  headers: {},
  timestamp: T + 3,
});

/** The parts of a ticket.change the alerting service publishes that the points use, plus some they do not. */
const ticket = (over: Record<string, unknown> = {}) => ({
  id: 'T20260601-0042',
  fingerprint: 'dl8/dl8-drain-m3/drain.level-critical',
  alertType: 'drain.level-critical',
  category: 'drainage',
  priority: 'P1',
  openedPriority: 'P2',
  state: 'dispatched',
  subject: { deviceId: 'dl8-drain-m3', communityId: 'dianliu-8', compoundId: 'dl8', placeId: 'm3' },
  title: { zh: '窨井M3水位危急', en: 'Manhole M3 level critical' },
  openedAt: OPENED,
  updatedAt: T,
  version: 4,
  ...over,
});
const entry = (seq: number, action: string, extra: Record<string, unknown> = {}) => ({ ticketId: 'T20260601-0042', seq, at: T, actor: { kind: 'system' }, action, ...extra });

const points = (m: MappedTicket) => {
  if (!m.ok) throw new Error(`expected points, got a refusal: ${m.refusal.reason}`);
  return m.points;
};
const refusal = (m: MappedTicket) => {
  if (m.ok) throw new Error(`expected a refusal, got ${JSON.stringify(m.points)}`);
  return m.refusal;
};

describe('ticketRecordToPoints', () => {
  it('makes one ticket_change point per timeline entry, tagged with category, priority, state after the entry, action and the subject', () => {
    const message = {
      kind: 'ticket.change',
      ticket: ticket(),
      entries: [entry(5, 'acknowledged', { fromState: 'open', toState: 'acknowledged' }), entry(6, 'priority-raised'), entry(7, 'dispatched', { fromState: 'acknowledged', toState: 'dispatched' })],
    };
    const where = { community: 'dianliu-8', compound: 'dl8', place: 'm3', device: 'dl8-drain-m3', category: 'drainage', priority: 'P1', alert_type: 'drain.level-critical' };
    const fields = (seq: number) => ({ ticket_id: 'T20260601-0042', seq, version: 4, age_s: 95 });
    expect(points(ticketRecordToPoints(record(message)))).toEqual([
      { measurement: 'ticket_change', tags: { ...where, state: 'acknowledged', action: 'acknowledged' }, fields: fields(5), timeMs: T, nanos: 42_005 },
      { measurement: 'ticket_change', tags: { ...where, state: 'acknowledged', action: 'priority-raised' }, fields: fields(6), timeMs: T, nanos: 42_006 },
      { measurement: 'ticket_change', tags: { ...where, state: 'dispatched', action: 'dispatched' }, fields: fields(7), timeMs: T, nanos: 42_007 },
    ]);
  });

  it('tags a compound-wide ticket (mass outage) with its community and compound only', () => {
    const message = {
      kind: 'ticket.change',
      ticket: ticket({ alertType: 'site.mass-outage', category: 'device-fault', state: 'open', subject: { groupId: 'dl8', communityId: 'dianliu-8', compoundId: 'dl8', deviceId: null } }),
      entries: [entry(1, 'opened', { toState: 'open' })],
    };
    const [point] = points(ticketRecordToPoints(record(message)));
    expect(point!.tags).toEqual({ community: 'dianliu-8', compound: 'dl8', category: 'device-fault', priority: 'P1', state: 'open', action: 'opened', alert_type: 'site.mass-outage' });
  });

  it('makes no point of a notification or of a change without entries (a collapsed storm fire)', () => {
    expect(points(ticketRecordToPoints(record({ kind: 'notification', notification: { id: 'T20260601-0042/v4/0', kind: 'ticket.opened' } })))).toEqual([]);
    expect(points(ticketRecordToPoints(record({ kind: 'ticket.change', ticket: ticket(), entries: [] })))).toEqual([]);
  });

  it('refuses what is not a ticket message it knows, naming the field', () => {
    expect(refusal(ticketRecordToPoints(record('{"kind":')))).toEqual({ code: 'OC_TICKET_MESSAGE_INVALID', reason: 'not valid JSON', field: undefined, deviceId: undefined });
    expect(refusal(ticketRecordToPoints(record([1, 2])))).toMatchObject({ code: 'OC_TICKET_MESSAGE_INVALID', field: 'kind' });
    expect(refusal(ticketRecordToPoints(record({ kind: 'ticket.renamed', ticket: ticket(), entries: [] })))).toMatchObject({ field: 'kind', reason: 'unknown message kind "ticket.renamed"' });

    const wrongCategory = refusal(ticketRecordToPoints(record({ kind: 'ticket.change', ticket: ticket({ category: 'plumbing' }), entries: [entry(1, 'opened')] })));
    expect(wrongCategory).toMatchObject({ code: 'OC_TICKET_MESSAGE_INVALID', field: 'ticket.category' });
    expect(wrongCategory.reason).toMatch(/^ticket\.change: ticket\.category /);
    const noCompound = refusal(ticketRecordToPoints(record({ kind: 'ticket.change', ticket: ticket({ subject: { communityId: 'dianliu-8' } }), entries: [entry(1, 'opened')] })));
    expect(noCompound.field).toBe('ticket.subject.compoundId');
    const badSeq = refusal(ticketRecordToPoints(record({ kind: 'ticket.change', ticket: ticket(), entries: [entry(1, 'opened'), entry(2.5, 'commented')] })));
    expect(badSeq.field).toBe('entries.1.seq');
  });
});

describe('statesAfter', () => {
  it('walks back from the final state: moves name both ends, other entries keep the state', () => {
    expect(
      statesAfter('on_site', [
        { toState: 'open' },
        {},
        { fromState: 'open', toState: 'dispatched' },
        { fromState: 'dispatched', toState: 'on_site' },
        {},
      ]),
    ).toEqual(['open', 'open', 'dispatched', 'on_site', 'on_site']);
    expect(statesAfter('resolved', [{}, {}])).toEqual(['resolved', 'resolved']);
  });
});

describe('numberOf', () => {
  it('reads the counter at the end of a ticket id, and hashes an id without one to a stable number', () => {
    expect(numberOf('T20260601-0042')).toBe(42);
    expect(numberOf('T20260601-123456')).toBe(123_456);
    expect(numberOf('imported-ticket')).toBe(numberOf('imported-ticket'));
    expect(numberOf('imported-ticket')).not.toBe(numberOf('imported-ticket-b'));
  });
});
