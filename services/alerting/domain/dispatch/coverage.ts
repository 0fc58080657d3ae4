/**
 * Does every 24h team have someone on duty at every moment? Who is on duty only
 * changes at a handover, and all schedules together repeat after the least
 * common multiple of their cycles, so checking each handover within one such
 * period is exact, not a sample.
 */
import { gridOf, HOUR_MS, MINUTE_MS, slotAt, type ShiftGrid } from './shift-clock.ts';
import type { Roster } from './types.ts';

export interface CoverageGap {
  teamId: string;
  /** Epoch ms of the first uncovered instant. */
  at: number;
  /** The same instant in the local time of the schedule whose handover opened the gap, for messages. */
  local: string;
}

// A roster whose cycles only realign after a year is a typo, not a plan; checking a year is plenty.
const MAX_PERIOD_HOURS = 366 * 24;

type RosterShifts = Pick<Roster, 'teams' | 'schedules' | 'staff'>;

export function findCoverageGaps(r: RosterShifts): CoverageGap[] {
  if (r.schedules.length === 0) return [];
  const grids = r.schedules.map(gridOf);
  const cycleHours = r.schedules.map((s) => s.rotation.length * s.shiftHours);
  const periodMs = Math.min(cycleHours.reduce(lcm, 1), MAX_PERIOD_HOURS) * HOUR_MS;

  // Every handover in [start, start + period), each tagged with its schedule's offset for the message.
  const start = grids[0]!.origin;
  const instants: { at: number; offsetMin: number }[] = [{ at: start, offsetMin: r.schedules[0]!.utcOffsetMin }];
  grids.forEach((g, i) => {
    for (let t = slotAt(g, start).endsAt; t < start + periodMs; t += g.slotMs) instants.push({ at: t, offsetMin: r.schedules[i]!.utcOffsetMin });
  });
  instants.sort((a, b) => a.at - b.at);

  const gaps: CoverageGap[] = [];
  for (const team of r.teams) {
    if (team.coverage !== '24h') continue;
    const members = r.staff.filter((m) => m.teamId === team.id);
    const hole = instants.find(({ at }) => !members.some((m) => onShift(grids, m.scheduleId, m.crew, at)));
    if (hole) gaps.push({ teamId: team.id, at: hole.at, local: formatLocal(hole.at, hole.offsetMin) });
  }
  return gaps;
}

function onShift(grids: readonly ShiftGrid[], scheduleId: string | undefined, crew: string | undefined, at: number): boolean {
  const g = grids.find((x) => x.scheduleId === scheduleId);
  return g !== undefined && slotAt(g, at).crew === crew;
}

const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
const lcm = (a: number, b: number): number => (a / gcd(a, b)) * b;

/** "2024-01-02 20:00 (UTC+08:00)" */
export function formatLocal(at: number, offsetMin: number): string {
  const iso = new Date(at + offsetMin * MINUTE_MS).toISOString();
  const sign = offsetMin < 0 ? '-' : '+';
  const abs = Math.abs(offsetMin);
  const hh = String(Math.floor(abs / 60)).padStart(2, '0');
  const mm = String(abs % 60).padStart(2, '0');
  return `${iso.slice(0, 10)} ${iso.slice(11, 16)} (UTC${sign}${hh}:${mm})`;
}
