import { describe, expect, it } from 'vitest';
import { parseRoster, parseRosterWarningGaps } from '../../../../services/alerting/domain/dispatch/parse-roster.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { staffShift } from '../../../../services/alerting/domain/dispatch/staff-shift.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { cst, rawSmallRoster, smallRoster, type RawRoster } from './fixtures.ts';

/** The small roster's rota: crew a from 2024-01-01 08:00 (+08:00), then b, then c, one day each. */
const keysOf = (raw: RawRoster): string[] => {
  try {
    parseRosterWarningGaps(raw, 'edit');
  } catch (err) {
    if (isOcError(err, 'OC_CONFIG_INVALID')) return (err.details as { keys: string[] }).keys;
    throw err;
  }
  return [];
};

describe('a roster edit that leaves a 24h team uncovered', () => {
  const withoutGuardsOfCrewB = () => {
    const raw = rawSmallRoster();
    raw.staff = raw.staff.filter((m: { id: string }) => !m.id.startsWith('guard-b'));
    return raw;
  };

  it('is refused from a file (the roster file stays strict)', () => {
    expect(() => parseRoster(withoutGuardsOfCrewB())).toThrow(/team 'guards' is 24h but nobody is on duty from 2024-01-02 08:00/);
  });

  it('is accepted live, with a warning naming the team and the first uncovered hour', () => {
    const { roster, warnings } = parseRosterWarningGaps(withoutGuardsOfCrewB());
    expect(roster.staff.some((m) => m.id === 'guard-b1')).toBe(false);
    expect(warnings).toEqual([
      { code: 'roster.coverage-gap', teamId: 'guards', at: cst('2024-01-02T08:00:00'), message: "team 'guards' is 24h but nobody is on duty from 2024-01-02 08:00 (UTC+08:00)" },
    ]);
  });

  it('still refuses what is wrong, not merely thin (an unknown team names its key)', () => {
    const raw = withoutGuardsOfCrewB();
    raw.staff[0].teamId = 'nobody';
    expect(keysOf(raw)).toEqual(['staff.0.teamId']);
  });

  it('a covered roster has no warnings', () => {
    expect(parseRosterWarningGaps(rawSmallRoster()).warnings).toEqual([]);
  });
});

describe('a swapped shift', () => {
  const swap = (over: Record<string, string> = {}) => ({ scheduleId: 'rota', shiftStart: '2024-01-01 08:00', off: 'guard-a1', on: 'guard-b1', ...over });
  const withSwap = (...swaps: object[]) => ({ ...rawSmallRoster(), swaps });

  it('puts the stand-in on duty and the one swapped out off duty, for that shift only', () => {
    const planner = new DispatchPlanner(parseRoster(withSwap(swap())));
    const guardsAt = (t: string) => planner.onDuty(cst(t), 'guards').map((m) => m.id);
    expect(guardsAt('2024-01-01T10:00:00')).toEqual(['guard-a2', 'guard-b1']);
    expect(guardsAt('2024-01-04T10:00:00')).toEqual(['guard-a1', 'guard-a2']); // crew a's next shift: as the rotation says
    expect(guardsAt('2024-01-02T10:00:00')).toEqual(['guard-b1', 'guard-b2']); // the stand-in's own shift is unchanged
    expect(planner.chooseAssignee('security', undefined, cst('2024-01-01T10:00:00'), new Map([['guard-a2', 1]]))).toEqual({ staffId: 'guard-b1', teamId: 'guards' });
  });

  it("each one's own shift (the phone page's panel) follows the swap", () => {
    const planner = new DispatchPlanner(parseRoster(withSwap(swap())));
    const at = cst('2024-01-01T10:00:00');
    // The stand-in works today, then their own crew's shift tomorrow: two shifts back to back.
    expect(staffShift(planner, 'guard-b1', at)).toMatchObject({ onDuty: true, current: { startsAt: cst('2024-01-01T08:00:00'), endsAt: cst('2024-01-03T08:00:00') } });
    // The one swapped out is off today; their next shift is crew a's next one.
    expect(staffShift(planner, 'guard-a1', at)).toEqual({ onDuty: false, current: undefined, next: { startsAt: cst('2024-01-04T08:00:00'), endsAt: cst('2024-01-05T08:00:00') } });
  });

  it('refuses a stand-in from another schedule: a swap is between crews of one schedule', () => {
    const raw = withSwap(swap({ on: 'guard-x' }));
    raw.staff.push({ id: 'guard-x', name: { zh: 'x', en: 'x' }, teamId: 'guards', role: 'staff', scheduleId: 'dn', crew: 'day' });
    expect(keysOf(raw)).toEqual(['swaps.0.on']);
  });

  it('a supervisor swapped in is the shift supervisor; the one swapped out is not', () => {
    const planner = new DispatchPlanner(parseRoster(withSwap(swap({ off: 'desk-sup-a', on: 'desk-sup-b' }))));
    expect(planner.supervisorOnDuty(cst('2024-01-01T10:00:00'))?.id).toBe('desk-sup-b');
    expect(planner.supervisorOnDuty(cst('2024-01-04T10:00:00'))?.id).toBe('desk-sup-a');
  });

  it.each([
    [{ shiftStart: '2024-01-01 09:00' }, 'swaps.0.shiftStart', /not the start of a shift/],
    [{ shiftStart: 'monday' }, 'swaps.0.shiftStart', /YYYY-MM-DD HH:MM/],
    [{ scheduleId: 'nights' }, 'swaps.0.scheduleId', /unknown schedule/],
    [{ off: 'guard-b2' }, 'swaps.0.off', /does not work this shift/],
    [{ on: 'guard-a2' }, 'swaps.0.on', /already works this shift/],
    [{ on: 'plumber-night-1' }, 'swaps.0.on', /is in team 'plumbing', not 'guards'/],
    [{ on: 'boss' }, 'swaps.0.on', /manager/],
    [{ on: 'nobody' }, 'swaps.0.on', /unknown staff member/],
  ])('refuses %j naming %s', (over, key, text) => {
    expect(keysOf(withSwap(swap(over)))).toEqual([key]);
    expect(() => parseRoster(withSwap(swap(over)))).toThrow(text);
  });

  it('refuses the same person swapped out of one shift twice', () => {
    expect(keysOf(withSwap(swap(), swap({ on: 'guard-b2' })))).toEqual(['swaps.1.off']);
  });
});

describe('the planner takes a new roster live', () => {
  it('answers from the new roster at once, for every holder of the planner', () => {
    const planner = new DispatchPlanner(smallRoster());
    const at = cst('2024-01-01T10:00:00');
    expect(planner.chooseAssignee('security', undefined, at, new Map())?.staffId).toBe('guard-a1');
    const raw = rawSmallRoster();
    raw.staff.find((m: { id: string }) => m.id === 'guard-a1').crew = 'b';
    planner.update(parseRoster(raw));
    expect(planner.chooseAssignee('security', undefined, at, new Map())?.staffId).toBe('guard-a2');
    expect(planner.roster.staff.find((m) => m.id === 'guard-a1')?.crew).toBe('b');
  });
});
