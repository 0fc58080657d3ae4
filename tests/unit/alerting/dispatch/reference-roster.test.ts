import { describe, expect, it } from 'vitest';
import { CATEGORIES } from '../../../../services/alerting/domain/model.ts';
import { findCoverageGaps } from '../../../../services/alerting/domain/dispatch/coverage.ts';
import { DispatchPlanner } from '../../../../services/alerting/domain/dispatch/planner.ts';
import { loadRoster } from '../../../../services/alerting/roster-file.ts';
import { cst, DAY, HOUR } from './fixtures.ts';

const roster = loadRoster();
const planner = new DispatchPlanner(roster);
const internalTeams = roster.teams.filter((t) => t.coverage === '24h').map((t) => t.id);
// Six days from an arbitrary date well after the epoch, so the rotation has wrapped many times.
const START = cst('2025-07-14T00:00');
const everyHour = Array.from({ length: 6 * 24 }, (_, h) => START + h * HOUR);

describe('reference roster: Dianliu Block 8', () => {
  it('has the duty desk, the four field teams and the five partner departments', () => {
    expect(internalTeams.sort()).toEqual(['access-control', 'duty-desk', 'iot', 'plumbing', 'security']);
    expect(roster.departments.map((d) => d.id).sort()).toEqual(['city-management', 'market-regulation', 'public-security', 'traffic-police', 'work-safety']);
    for (const x of [...roster.teams, ...roster.departments, ...roster.staff]) {
      expect(x.name.zh, x.id).toMatch(/\p{Script=Han}/u);
      expect(x.name.en, x.id).toMatch(/^[A-Za-z]/);
    }
  });

  it('maps every category to a known team or department', () => {
    for (const c of CATEGORIES) {
      const owner = planner.teamFor(c);
      const known = 'teamId' in owner ? planner.team(owner.teamId) : planner.department(owner.departmentId);
      expect(known, c).toBeDefined();
    }
    expect(planner.teamFor('drainage')).toEqual({ teamId: 'plumbing' });
    expect(planner.teamFor('access-control')).toEqual({ teamId: 'access-control' });
    expect(planner.teamFor('security')).toEqual({ teamId: 'security' });
    expect(planner.teamFor('device-fault')).toEqual({ teamId: 'iot' });
    expect(planner.teamFor('parking')).toEqual({ departmentId: 'traffic-police' });
    expect(planner.teamFor('shop-grease')).toEqual({ departmentId: 'market-regulation' });
  });

  it('has every internal team on duty every hour (and the minute before each) over 6 days', () => {
    for (const t of everyHour) {
      for (const at of [t, t + HOUR - 60_000]) {
        for (const team of internalTeams) expect(planner.onDuty(at, team).length, `${team} at ${new Date(at).toISOString()}`).toBeGreaterThan(0);
      }
    }
  });

  it('can dispatch every team-owned category every hour, to a member of that team', () => {
    for (const t of everyHour) {
      for (const c of CATEGORIES) {
        const owner = planner.teamFor(c);
        if (!('teamId' in owner)) continue;
        const pick = planner.chooseAssignee(c, undefined, t, new Map());
        expect(pick?.teamId, `${c} at ${new Date(t).toISOString()}`).toBe(owner.teamId);
        expect(planner.staff(pick!.staffId)?.teamId).toBe(owner.teamId);
      }
    }
  });

  it('has a shift supervisor on duty every hour, from the crew in force', () => {
    for (const t of everyHour) {
      const sup = planner.supervisorOnDuty(t);
      expect(sup?.role).toBe('supervisor');
      expect(sup?.crew).toBe(planner.shiftAt(t).crew);
      expect(planner.onDuty(t)).toContain(sup);
    }
  });

  it('works the 12-hour crews day, night, off, off (36 h then 60 h between shift starts)', () => {
    const starts = new Map<string, number[]>();
    for (let slot = 0; slot < 16 * 2; slot++) {
      const s = planner.shiftAt(cst('2025-07-14T08:00') + slot * 12 * HOUR, 'day-night');
      starts.set(s.crew, [...(starts.get(s.crew) ?? []), s.startsAt]);
    }
    expect([...starts.keys()].sort()).toEqual(['a', 'b', 'c', 'd']);
    for (const [crew, list] of starts) {
      const gaps = list.slice(1).map((t, i) => (t - list[i]!) / HOUR);
      const first = gaps[0] === 36 ? 0 : 1;
      gaps.forEach((g, i) => expect(g, `crew ${crew} gap ${i}`).toBe((i + first) % 2 === 0 ? 36 : 60));
      // A 36 h gap starts at a day shift (08:00 local), a 60 h gap at a night shift (20:00 local).
      list.slice(0, -1).forEach((t, i) => expect(new Date(t + 8 * HOUR).getUTCHours()).toBe(gaps[i] === 36 ? 8 : 20));
    }
  });

  it('gives everyone at least 24 h rest between two shifts', () => {
    for (const s of roster.schedules) {
      const byCrew = new Map<string, { startsAt: number; endsAt: number }[]>();
      for (let t = START; t < START + 12 * DAY; t += s.shiftHours * HOUR) {
        const slot = planner.shiftAt(t, s.id);
        byCrew.set(slot.crew, [...(byCrew.get(slot.crew) ?? []), slot]);
      }
      for (const [crew, slots] of byCrew) {
        slots.slice(1).forEach((x, i) => expect(x.startsAt - slots[i]!.endsAt, `${s.id}/${crew}`).toBeGreaterThanOrEqual(DAY));
      }
    }
  });

  it('gives every staff member a distinct, plainly fictional phone number (13x-0000-xxxx)', () => {
    const phones = roster.staff.map((s) => s.phone);
    for (const s of roster.staff) expect(s.phone, s.id).toMatch(/^13\d-0000-\d{4}$/);
    expect(new Set(phones).size).toBe(roster.staff.length);
  });

  it('names the property manager and finds no coverage gap', () => {
    expect(planner.manager()).toMatchObject({ role: 'manager', teamId: 'office' });
    expect(findCoverageGaps(roster)).toEqual([]);
  });
});
