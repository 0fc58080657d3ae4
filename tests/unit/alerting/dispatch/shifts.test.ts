import { describe, expect, it } from 'vitest';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { parseRoster } from '../../../../services/alerting/domain/dispatch/parse-roster.ts';
import { parseClock, parseDate } from '../../../../services/alerting/domain/dispatch/shift-clock.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { cst, DAY, HOUR, rawSmallRoster, smallRoster } from './fixtures.ts';

const planner = new DispatchPlanner(smallRoster());
const ids = (now: number, team?: string) => planner.onDuty(now, team).map((m) => m.id);
const ROTA = ['a', 'b', 'c'];
const EPOCH = cst('2024-01-01T08:00');

describe('24-hour rotation (3 crews, handover 08:00 local)', () => {
  it('hands over at 08:00 local: 07:59 is still the old crew, 08:00 the new one', () => {
    expect(planner.shiftAt(cst('2024-01-02T07:59')).crew).toBe('a');
    expect(planner.shiftAt(cst('2024-01-02T07:59:59.999')).crew).toBe('a');
    expect(planner.shiftAt(cst('2024-01-02T08:00')).crew).toBe('b');
    expect(ids(cst('2024-01-02T07:59'), 'guards')).toEqual(['guard-a1', 'guard-a2']);
    expect(ids(cst('2024-01-02T08:00'), 'guards')).toEqual(['guard-b1', 'guard-b2']);
  });

  it('reports the shift in force and the next handover as local 08:00 instants', () => {
    const s = planner.shiftAt(cst('2024-01-02T03:15'));
    expect(s).toEqual({ scheduleId: 'rota', crew: 'a', startsAt: cst('2024-01-01T08:00'), endsAt: cst('2024-01-02T08:00') });
    // The handover instant itself opens the next shift.
    expect(planner.shiftAt(s.endsAt).startsAt).toBe(s.endsAt);
  });

  it('cycles a, b, c day after day, for 400 days on both sides of the epoch', () => {
    for (let day = -400; day <= 400; day++) {
      const expected = ROTA[(((day % 3) + 3) % 3)]!;
      // Just after the handover, mid-shift and just before the next one.
      for (const offset of [0, 11 * HOUR, DAY - 60_000]) {
        const now = EPOCH + day * DAY + offset;
        expect(planner.shiftAt(now).crew, `day ${day} +${offset}ms`).toBe(expected);
        expect(planner.supervisorOnDuty(now)?.id).toBe(`desk-sup-${expected}`);
      }
    }
  });

  it('works one day in three (做一休二) for each person', () => {
    const worked = new Map<string, number>();
    for (let day = 0; day < 30; day++) for (const id of ids(EPOCH + day * DAY + HOUR, 'guards')) worked.set(id, (worked.get(id) ?? 0) + 1);
    expect([...worked.values()]).toEqual([10, 10, 10, 10, 10, 10]);
  });
});

describe('day/night 12-hour shifts', () => {
  const day = ['plumber-day-1', 'plumber-day-2', 'plumber-day-3'];
  it('night crew holds across midnight until 08:00, day crew from 08:00 to 20:00', () => {
    const at = (t: string) => ids(cst(t), 'plumbing').sort();
    expect(at('2024-03-10T07:59')).toEqual(['plumber-night-1']);
    expect(at('2024-03-10T08:00')).toEqual(day);
    expect(at('2024-03-10T19:59')).toEqual(day);
    expect(at('2024-03-10T20:00')).toEqual(['plumber-night-1']);
    expect(at('2024-03-10T23:59')).toEqual(['plumber-night-1']);
    expect(at('2024-03-11T00:00')).toEqual(['plumber-night-1']);
    expect(at('2024-03-11T07:59')).toEqual(['plumber-night-1']);
    expect(at('2024-03-11T08:00')).toEqual(day);
  });

  it('a night shift starts the evening before and ends the next morning', () => {
    expect(planner.shiftAt(cst('2024-03-11T02:00'), 'dn')).toEqual({
      scheduleId: 'dn',
      crew: 'night',
      startsAt: cst('2024-03-10T20:00'),
      endsAt: cst('2024-03-11T08:00'),
    });
  });
});

describe('other offsets and handover times', () => {
  it('honours a non-China offset and a half-hour handover', () => {
    const raw = rawSmallRoster();
    Object.assign(raw.schedules[0], { utcOffsetMin: -300, handover: '06:30', epoch: '2024-06-01' });
    const p = new DispatchPlanner(parseRoster(raw));
    const handover = Date.parse('2024-06-03T06:30-05:00'); // day 2 after the epoch: crew c
    expect(p.shiftAt(handover - 1).crew).toBe('b');
    expect(p.shiftAt(handover).crew).toBe('c');
    expect(p.shiftAt(handover).endsAt - handover).toBe(DAY);
  });

  it('an unknown schedule is an error, not a silent default', () => {
    let caught: unknown;
    try {
      planner.shiftAt(EPOCH, 'nope');
    } catch (err) {
      caught = err;
    }
    expect(isOcError(caught, 'OC_ROSTER_UNKNOWN_SCHEDULE')).toBe(true);
  });

  it('parses clock times and calendar dates strictly', () => {
    expect(parseClock('08:00')).toBe(480);
    expect(parseClock('23:59')).toBe(1439);
    for (const bad of ['24:00', '8:00', '08:60', '0800', '']) expect(parseClock(bad), bad).toBeUndefined();
    expect(parseDate('2024-02-29')).toBe(Date.UTC(2024, 1, 29));
    for (const bad of ['2023-02-29', '2024-13-01', '2024-1-1', 'yesterday']) expect(parseDate(bad), bad).toBeUndefined();
  });
});
