import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../../services/alerting/domain/model.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { cst, HOUR, smallRoster } from './fixtures.ts';

const roster = smallRoster();
const planner = new DispatchPlanner(roster);
// 2024-01-01 is crew a's day on the rota; 10:00 is the day crew on the day/night schedule.
const DAYTIME = cst('2024-01-01T10:00');
const noLoad = new Map<string, number>();
const choose = (loads: Record<string, number>, opts: { exclude?: string[]; last?: Record<string, number>; team?: string; now?: number } = {}) =>
  planner.chooseAssignee(
    'drainage',
    opts.team,
    opts.now ?? DAYTIME,
    new Map(Object.entries(loads)),
    new Set(opts.exclude ?? []),
    new Map(Object.entries(opts.last ?? {})),
  );

describe('chooseAssignee', () => {
  it('picks the on-duty member of the category team with the least load', () => {
    expect(choose({ 'plumber-day-1': 2, 'plumber-day-2': 1, 'plumber-day-3': 3 })).toEqual({ staffId: 'plumber-day-2', teamId: 'plumbing' });
    expect(choose({ 'plumber-day-1': 2, 'plumber-day-2': 4, 'plumber-day-3': 0 })?.staffId).toBe('plumber-day-3');
  });

  it('counts a member missing from the loads as idle', () => {
    expect(choose({ 'plumber-day-1': 1, 'plumber-day-2': 1 })?.staffId).toBe('plumber-day-3');
  });

  it('breaks a load tie by who was assigned least recently, never-assigned first', () => {
    const loads = { 'plumber-day-1': 1, 'plumber-day-2': 1, 'plumber-day-3': 1 };
    const last = { 'plumber-day-1': DAYTIME - 1 * HOUR, 'plumber-day-2': DAYTIME - 3 * HOUR, 'plumber-day-3': DAYTIME - 2 * HOUR };
    expect(choose(loads, { last })?.staffId).toBe('plumber-day-2');
    const { 'plumber-day-1': _never, ...someAssigned } = last;
    expect(choose(loads, { last: someAssigned })?.staffId).toBe('plumber-day-1');
  });

  it('then by id, whatever the roster order', () => {
    // The roster lists plumber-day-3 first.
    expect(roster.staff.find((m) => m.teamId === 'plumbing')?.id).toBe('plumber-day-3');
    expect(choose({})?.staffId).toBe('plumber-day-1');
    const same = { 'plumber-day-2': DAYTIME - HOUR, 'plumber-day-3': DAYTIME - HOUR, 'plumber-day-1': DAYTIME };
    expect(choose({}, { last: same })?.staffId).toBe('plumber-day-2');
  });

  it('load outranks recency', () => {
    const last = { 'plumber-day-1': DAYTIME - 5 * HOUR, 'plumber-day-2': DAYTIME - HOUR };
    expect(choose({ 'plumber-day-1': 2, 'plumber-day-2': 1, 'plumber-day-3': 2 }, { last })?.staffId).toBe('plumber-day-2');
  });

  it('excludes who let the dispatch time out, even when they are the least loaded', () => {
    const loads = { 'plumber-day-1': 0, 'plumber-day-2': 2, 'plumber-day-3': 1 };
    expect(choose(loads)?.staffId).toBe('plumber-day-1');
    expect(choose(loads, { exclude: ['plumber-day-1'] })?.staffId).toBe('plumber-day-3');
    expect(choose(loads, { exclude: ['plumber-day-1', 'plumber-day-3'] })?.staffId).toBe('plumber-day-2');
  });

  it('returns undefined when everyone on duty is excluded', () => {
    expect(choose({}, { exclude: ['plumber-day-1', 'plumber-day-2', 'plumber-day-3'] })).toBeUndefined();
    // At night the one night plumber is the only choice, so excluding them leaves nobody.
    const night = cst('2024-01-01T23:00');
    expect(choose({}, { now: night })?.staffId).toBe('plumber-night-1');
    expect(choose({}, { now: night, exclude: ['plumber-night-1'] })).toBeUndefined();
  });

  it('returns undefined when nobody of the team is on duty', () => {
    // The gardeners work crew a only: 2024-01-01 is a's day, 2024-01-02 is b's.
    expect(planner.chooseAssignee('drainage', 'garden', DAYTIME, noLoad)).toEqual({ staffId: 'gardener-a', teamId: 'garden' });
    expect(planner.chooseAssignee('drainage', 'garden', DAYTIME + 24 * HOUR, noLoad)).toBeUndefined();
    expect(planner.chooseAssignee('drainage', 'no-such-team', DAYTIME, noLoad)).toBeUndefined();
  });

  it('an explicit team overrides the matrix (transfer)', () => {
    expect(planner.chooseAssignee('drainage', 'guards', DAYTIME, noLoad)).toEqual({ staffId: 'guard-a1', teamId: 'guards' });
  });

  it('does not pick for a category owned by a partner department', () => {
    expect(planner.chooseAssignee('parking', undefined, DAYTIME, noLoad)).toBeUndefined();
  });

  it('sends the operator, not the shift supervisor, unless the supervisor is the only one left', () => {
    const loads = new Map([['desk-op-a', 5]]);
    expect(planner.chooseAssignee('device-fault', undefined, DAYTIME, loads)?.staffId).toBe('desk-op-a');
    expect(planner.chooseAssignee('device-fault', undefined, DAYTIME, loads, new Set(['desk-op-a']))?.staffId).toBe('desk-sup-a');
  });

  it('never sends the manager', () => {
    expect(planner.chooseAssignee('drainage', 'office', DAYTIME, noLoad)).toBeUndefined();
  });
});

describe('shift change', () => {
  it('hands new dispatches to the incoming crew, however busy it already is', () => {
    // The outgoing crew a is idle, the incoming crew b is loaded: b still gets it from 08:00.
    const loads = new Map([
      ['guard-a1', 0],
      ['guard-a2', 0],
      ['guard-b1', 3],
      ['guard-b2', 2],
    ]);
    const before = cst('2024-01-02T07:59');
    const after = cst('2024-01-02T08:00');
    expect(planner.chooseAssignee('security', undefined, before, loads)?.staffId).toBe('guard-a1');
    expect(planner.chooseAssignee('security', undefined, after, loads)?.staffId).toBe('guard-b2');
    expect(planner.supervisorOnDuty(before)?.id).toBe('desk-sup-a');
    expect(planner.supervisorOnDuty(after)?.id).toBe('desk-sup-b');
  });

  it('moves day/night dispatches at 20:00 and back at 08:00', () => {
    const evening = cst('2024-01-05T20:00');
    expect(choose({}, { now: evening - 1 })?.staffId).toBe('plumber-day-1');
    expect(choose({}, { now: evening })?.staffId).toBe('plumber-night-1');
    expect(choose({}, { now: evening + 12 * HOUR - 1 })?.staffId).toBe('plumber-night-1');
    expect(choose({}, { now: evening + 12 * HOUR })?.staffId).toBe('plumber-day-1');
  });
});

describe('lookups', () => {
  it('teamFor follows the matrix for every category', () => {
    for (const c of CATEGORIES) {
      const owner = roster.responsibilities[c];
      expect(planner.teamFor(c), c).toEqual(owner.team !== undefined ? { teamId: owner.team } : { departmentId: owner.department });
    }
    expect(planner.teamFor('drainage')).toEqual({ teamId: 'plumbing' });
    expect(planner.teamFor('shop-grease')).toEqual({ departmentId: 'market-regulation' });
  });

  it('onDuty lists every on-duty person of all teams, or of one', () => {
    const all = planner.onDuty(DAYTIME).map((m) => m.id);
    expect(all.sort()).toEqual(
      ['desk-sup-a', 'desk-op-a', 'guard-a1', 'guard-a2', 'plumber-day-1', 'plumber-day-2', 'plumber-day-3', 'gardener-a'].sort(),
    );
    expect(planner.onDuty(DAYTIME, 'desk').map((m) => m.id)).toEqual(['desk-sup-a', 'desk-op-a']);
    expect(planner.onDuty(DAYTIME, 'office')).toEqual([]);
  });

  it('finds the manager, staff, teams and departments by id', () => {
    expect(planner.manager()).toMatchObject({ id: 'boss', role: 'manager' });
    expect(planner.staff('guard-b2')).toMatchObject({ teamId: 'guards', crew: 'b' });
    expect(planner.staff('nobody')).toBeUndefined();
    expect(planner.team('plumbing')?.name.zh).toBe('管道维修组');
    expect(planner.team('nope')).toBeUndefined();
    expect(planner.department('traffic-police')?.name.zh).toBe('交警');
    expect(planner.department('plumbing')).toBeUndefined();
  });
});
