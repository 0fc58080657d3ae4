/**
 * The roster as the dispatch domain sees it: teams, partner departments, staff,
 * shift schedules and the responsibility matrix. Plain data, produced by
 * parseRoster (which checks every cross-reference), never mutated.
 */
import type { Bilingual, Category } from '../model.ts';

export const STAFF_ROLES = ['staff', 'supervisor', 'manager', 'operator'] as const;
export type StaffRole = (typeof STAFF_ROLES)[number];

/**
 * `24h`: the team must have someone on duty at every moment (checked when the
 * roster loads). Only such teams may own a category, because tickets arrive
 * around the clock. `partial`: office hours or a back office (the manager's).
 */
export const TEAM_COVERAGE = ['24h', 'partial'] as const;
export type TeamCoverage = (typeof TEAM_COVERAGE)[number];

export interface Team {
  readonly id: string;
  readonly name: Bilingual;
  readonly coverage: TeamCoverage;
}

/** Outside the property company's remit; reached through the community city-management station. */
export interface PartnerDepartment {
  readonly id: string;
  readonly name: Bilingual;
  readonly phone?: string | undefined;
}

export interface StaffMember {
  readonly id: string;
  readonly name: Bilingual;
  readonly teamId: string;
  readonly role: StaffRole;
  readonly phone?: string | undefined;
  /** Personal data like the phone: masked in logs. */
  readonly email?: string | undefined;
  /** The schedule and crew that decide when this person is on duty. Only a manager may have none (reachable any time for escalations, never dispatched). */
  readonly scheduleId?: string | undefined;
  readonly crew?: string | undefined;
  /**
   * Where this person is posted (site ids of places, buildings or compounds): "nearest" for
   * an automatic dispatch means posted at the ticket's place, then its building, then its compound.
   */
  readonly posts?: readonly string[] | undefined;
}

export interface Crew {
  readonly id: string;
  readonly name: Bilingual;
}

/**
 * Back-to-back shifts of `shiftHours`, the first starting at `handover` local
 * time on the local date `epoch`, worked by crews in `rotation` order (repeating).
 * 3 crews on 24 h shifts (做一休二): rotation [a, b, c], shiftHours 24.
 * Day/night 12 h shifts with 4 crews (四班两倒, day-night-off-off): shiftHours 12,
 * rotation [a, d, b, a, c, b, d, c].
 */
export interface ShiftSchedule {
  readonly id: string;
  readonly name: Bilingual;
  readonly shiftHours: number;
  /** Local time "HH:MM" at which one of the day's shifts starts. */
  readonly handover: string;
  /** Local time = UTC + utcOffsetMin (480 for China). Fixed: China has no daylight saving. */
  readonly utcOffsetMin: number;
  /** Local date "YYYY-MM-DD": rotation[0] starts its shift at `handover` on it. */
  readonly epoch: string;
  readonly crews: readonly Crew[];
  /** Crew ids, one per shift, repeating; defaults to the crews in order. */
  readonly rotation: readonly string[];
}

export type Responsibility = { readonly team: string; readonly department?: undefined } | { readonly department: string; readonly team?: undefined };

export interface CityManagementStation {
  readonly name: Bilingual;
  readonly phone?: string | undefined;
}

export interface Roster {
  readonly version: 1;
  readonly station: CityManagementStation;
  readonly teams: readonly Team[];
  readonly departments: readonly PartnerDepartment[];
  readonly schedules: readonly ShiftSchedule[];
  readonly staff: readonly StaffMember[];
  /** Who owns each category; every category has exactly one owner. */
  readonly responsibilities: Readonly<Record<Category, Responsibility>>;
  /** The schedule whose every crew has a shift supervisor (值班长): the first escalation step around the clock. */
  readonly supervision: { readonly scheduleId: string };
  /** The property manager: the last escalation step. */
  readonly managerId: string;
  /** One-off swapped shifts (the week's roster as edited); absent when there are none. */
  readonly swaps?: readonly ShiftSwap[] | undefined;
}

/** For one shift of a schedule (by its local start), `off` stays home and `on` works it instead. */
export interface ShiftSwap {
  readonly scheduleId: string;
  /** Local time of the schedule, 'YYYY-MM-DD HH:MM': a handover. */
  readonly shiftStart: string;
  readonly off: string;
  readonly on: string;
}
