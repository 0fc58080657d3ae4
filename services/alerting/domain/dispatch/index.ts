/** The dispatch domain, without the file loader (services/alerting/roster-file.ts reads roster files). */
export type { Crew, CityManagementStation, PartnerDepartment, Responsibility, Roster, ShiftSchedule, ShiftSwap, StaffMember, StaffRole, Team, TeamCoverage } from './types.ts';
export { STAFF_ROLES, TEAM_COVERAGE } from './types.ts';
export { DispatchPlanner } from './planner.ts';
export { parseRoster, parseRosterWarningGaps, type CoverageWarning } from './parse-roster.ts';
export { findCoverageGaps, type CoverageGap } from './coverage.ts';
export type { ShiftSlot } from './shift-clock.ts';
