import { describe, expect, it } from 'vitest';
import { parseRoster } from '../../../../services/alerting/domain/dispatch/parse-roster.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { isOcError } from '../../../../services/shared/errors.ts';
import { rawSmallRoster, type RawRoster } from './fixtures.ts';

/** Break the small roster in one place and expect an OC_CONFIG_INVALID naming that key. */
const expectProblem = (mutate: (raw: RawRoster) => void, key: string, text: RegExp) => {
  const raw = rawSmallRoster();
  mutate(raw);
  let caught: unknown;
  try {
    parseRoster(raw, 'test-roster');
  } catch (err) {
    caught = err;
  }
  expect(isOcError(caught, 'OC_CONFIG_INVALID'), 'should have thrown OC_CONFIG_INVALID').toBe(true);
  const err = caught as Error & { details: { keys: string[] } };
  expect(err.details.keys).toContain(key);
  expect(err.message).toContain(`${key}: `);
  expect(err.message).toMatch(text);
};
const staffIndex = (raw: RawRoster, id: string): number => raw.staff.findIndex((m: { id: string }) => m.id === id);

describe('roster config validation names the bad key', () => {
  it('accepts the unbroken fixture', () => {
    expect(parseRoster(rawSmallRoster()).staff.length).toBe(rawSmallRoster().staff.length);
  });

  it('an unknown teamId', () => expectProblem((r) => (r.staff[7].teamId = 'plumbers'), 'staff.7.teamId', /unknown team 'plumbers'/));

  it('a crew not in the schedule', () => expectProblem((r) => (r.staff[4].crew = 'night'), 'staff.4.crew', /crew 'night' is not in schedule 'rota'/));

  it('an unknown schedule', () => expectProblem((r) => (r.staff[2].scheduleId = 'rota-24'), 'staff.2.scheduleId', /unknown schedule 'rota-24'/));

  it('a non-manager without a crew', () => expectProblem((r) => delete r.staff[6].crew, 'staff.6.crew', /required for role 'staff'/));

  it('a category missing from the matrix', () => expectProblem((r) => delete r.responsibilities.parking, 'responsibilities.parking', /no owner/));

  it('a category owned by both a team and a department', () =>
    expectProblem((r) => (r.responsibilities.drainage.department = 'city-management'), 'responsibilities.drainage', /exactly one of team or department/));

  it('an unknown team or department in the matrix', () => {
    expectProblem((r) => (r.responsibilities.security = { team: 'police' }), 'responsibilities.security.team', /unknown team 'police'/);
    expectProblem((r) => (r.responsibilities.parking = { department: 'police' }), 'responsibilities.parking.department', /unknown department 'police'/);
  });

  it('an unknown category in the matrix', () => expectProblem((r) => (r.responsibilities.noise = { team: 'guards' }), 'responsibilities.noise', /unknown category 'noise'/));

  it('a category owned by a part-time team', () =>
    expectProblem((r) => (r.responsibilities.drainage = { team: 'garden' }), 'responsibilities.drainage.team', /not staffed around the clock/));

  it.each(['8:00', '24:00', '08:60', 'eight', '08:00:00'])('a bad handover time %s', (handover) =>
    expectProblem((r) => (r.schedules[1].handover = handover), 'schedules.1.handover', /HH:MM/),
  );

  it('a handover time that is not a string', () => expectProblem((r) => (r.schedules[0].handover = 800), 'schedules.0.handover', /string/));

  it('a bad epoch date', () => expectProblem((r) => (r.schedules[0].epoch = '2024-02-30'), 'schedules.0.epoch', /calendar date/));

  it('shift hours that do not divide a day', () => expectProblem((r) => (r.schedules[1].shiftHours = 10), 'schedules.1.shiftHours', /divide 24/));

  it('a bad UTC offset', () => expectProblem((r) => (r.schedules[0].utcOffsetMin = 900), 'schedules.0.utcOffsetMin', /840/));

  it('a rotation naming an unknown crew', () => expectProblem((r) => (r.schedules[0].rotation = ['a', 'b', 'x']), 'schedules.0.rotation.2', /unknown crew 'x'/));

  it('a crew that never appears in the rotation', () =>
    expectProblem((r) => (r.schedules[0].rotation = ['a', 'b']), 'schedules.0.crews.2.id', /crew 'c' never appears/));

  it('a duplicate crew id', () => expectProblem((r) => (r.schedules[1].crews[1].id = 'day'), 'schedules.1.crews.1.id', /duplicate id 'day'/));

  it('a duplicate staff id', () => expectProblem((r) => (r.staff[3].id = 'desk-sup-a'), 'staff.3.id', /duplicate id 'desk-sup-a'/));

  it('a crew without an on-duty supervisor', () =>
    expectProblem((r) => (r.staff[staffIndex(r, 'desk-sup-b')].role = 'operator'), 'supervision.scheduleId', /crew 'b' of schedule 'rota' has no staff member with role supervisor/));

  it('an unknown supervision schedule', () => expectProblem((r) => (r.supervision.scheduleId = 'nope'), 'supervision.scheduleId', /unknown schedule 'nope'/));

  it('a manager who is not a manager, or not there', () => {
    expectProblem((r) => (r.managerId = 'desk-sup-a'), 'managerId', /role 'supervisor', not manager/);
    expectProblem((r) => (r.managerId = 'ghost'), 'managerId', /unknown staff member 'ghost'/);
  });

  it('a 24h team with a hole in its coverage, with the local time of the hole', () =>
    expectProblem((r) => r.staff.splice(staffIndex(r, 'plumber-night-1'), 1), 'teams.2.coverage', /team 'plumbing' is 24h but nobody is on duty from \d{4}-\d\d-\d\d 20:00 \(UTC\+08:00\)/));

  it('a 24h team missing from one crew of a 24 h rotation', () =>
    expectProblem((r) => r.staff.splice(staffIndex(r, 'guard-c1'), 2), 'teams.1.coverage', /team 'guards' .* 08:00 \(UTC\+08:00\)/));

  it('a misspelt key', () =>
    expectProblem((r) => {
      r.staff[0].teamid = r.staff[0].teamId;
    }, 'staff.0.teamid', /is not a known key/));

  it('a bad role', () => expectProblem((r) => (r.staff[1].role = 'boss'), 'staff.1.role', /expected one of/));

  it('lists several problems at once', () => {
    const raw = rawSmallRoster();
    raw.staff[0].teamId = 'x';
    delete raw.responsibilities.security;
    let keys: string[] = [];
    try {
      parseRoster(raw);
    } catch (err) {
      keys = (err as { details: { keys: string[] } }).details.keys;
    }
    expect(keys).toEqual(expect.arrayContaining(['staff.0.teamId', 'responsibilities.security']));
  });
});

describe('loadRoster', () => {
  it('reports an unreadable file as a config error', () => {
    let caught: unknown;
    try {
      loadRoster('/nonexistent/roster.yaml');
    } catch (err) {
      caught = err;
    }
    expect(isOcError(caught, 'OC_CONFIG_INVALID')).toBe(true);
    expect((caught as Error).message).toContain('/nonexistent/roster.yaml');
  });
});
