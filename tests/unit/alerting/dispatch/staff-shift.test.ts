import { describe, expect, it } from 'vitest';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { staffShift } from '../../../../services/alerting/domain/dispatch/staff-shift.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { cst, HOUR } from './fixtures.ts';

const planner = new DispatchPlanner(loadRoster());

describe("a person's shift, for the phone page", () => {
  it('agrees with who is on duty, every hour for four days, and the next shift starts after the current one ends', () => {
    const start = cst('2026-12-07T00:00');
    for (let h = 0; h < 96; h++) {
      const now = start + h * HOUR;
      for (const id of ['chen-gang', 'jiang-ming', 'kong-deming', 'tao-jianhua']) {
        const s = staffShift(planner, id, now);
        expect(s.onDuty, `${id} at +${h} h`).toBe(planner.onDuty(now).some((m) => m.id === id));
        if (s.current) expect(s.current.startsAt <= now && now < s.current.endsAt).toBe(true);
        expect(s.next, `${id} at +${h} h has a next shift`).toBeDefined();
        expect(s.next!.startsAt).toBeGreaterThanOrEqual(s.current?.endsAt ?? now);
        // The next shift is theirs: they are on duty in its first and last hour.
        for (const at of [s.next!.startsAt, s.next!.endsAt - 1]) expect(planner.onDuty(at).some((m) => m.id === id)).toBe(true);
      }
    }
  });

  it('a plumber on duty at 14:00 works the day shift, 08:00 to 20:00 local time', () => {
    const now = cst('2026-12-07T14:00');
    const s = staffShift(planner, planner.onDuty(now, 'plumbing')[0]!.id, now);
    expect(s.current).toEqual({ startsAt: cst('2026-12-07T08:00'), endsAt: cst('2026-12-07T20:00') });
  });

  it('the manager works office hours outside the rota: neither on duty nor with a next shift', () => {
    expect(staffShift(planner, 'liu-hongmei', cst('2026-12-07T14:00'))).toEqual({ onDuty: false, current: undefined, next: undefined });
  });
});
