/**
 * The roster file's shape, field by field. Cross-references (a staff member's
 * team and crew exist, every category has an owner, ...) are checked in
 * roster-checks.ts so that each problem names the key that holds it.
 */
import { z } from 'zod';
import { parseClock, parseDate } from './shift-clock.ts';
import { STAFF_ROLES, TEAM_COVERAGE } from './types.ts';
import { checkRoster } from './roster-checks.ts';

// Same conventions as the site file (services/site/schema.ts), so one YAML style fits both.
const name = z.object({ zh: z.string().min(1), en: z.string().min(1) }).strict();
const localId = z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes');
const phone = z.string().regex(/^\+?[0-9][0-9 -]{2,19}$/, 'must be digits, spaces and dashes');

const team = z.object({ id: localId, name, coverage: z.enum(TEAM_COVERAGE).default('24h') }).strict();

const department = z.object({ id: localId, name, phone: phone.optional() }).strict();

const crew = z.object({ id: localId, name }).strict();

const schedule = z
  .object({
    id: localId,
    name,
    // Dividing 24 keeps every day's handovers at the same clock times, which is what a duty board shows.
    shiftHours: z.number().int().positive().refine((h) => 24 % h === 0, 'must divide 24 (1, 2, 3, 4, 6, 8, 12 or 24)'),
    handover: z.string().refine((t) => parseClock(t) !== undefined, 'must be a local time HH:MM between 00:00 and 23:59'),
    utcOffsetMin: z.number().int().min(-720).max(840),
    epoch: z.string().refine((d) => parseDate(d) !== undefined, 'must be a calendar date YYYY-MM-DD'),
    crews: z.array(crew).min(1),
    rotation: z.array(localId).min(1).optional(),
  })
  .strict()
  .transform((s) => ({ ...s, rotation: s.rotation ?? s.crews.map((c) => c.id) }));

const staffMember = z
  .object({
    id: localId,
    name,
    teamId: localId,
    role: z.enum(STAFF_ROLES),
    phone: phone.optional(),
    email: z.string().regex(/^[^\s@]+@[^\s@]+\.[^\s@]+$/, 'must be an e-mail address').max(254).optional(),
    scheduleId: localId.optional(),
    crew: localId.optional(),
    posts: z.array(localId).optional(),
  })
  .strict();

const responsibility = z
  .object({ team: localId.optional(), department: localId.optional() })
  .strict()
  .superRefine((r, ctx) => {
    if ((r.team === undefined) === (r.department === undefined)) {
      ctx.addIssue({ code: 'custom', message: 'must name exactly one of team or department' });
    }
  });

/**
 * One swapped shift: for the shift of `scheduleId` that starts at `shiftStart` (local time of the
 * schedule, a handover), `off` stays home and `on` works it in their place. The week's roster
 * changes for that one shift only; the rotation is untouched.
 */
const shiftSwap = z
  .object({
    scheduleId: localId,
    shiftStart: z.string().regex(/^\d{4}-\d{2}-\d{2} ([01]\d|2[0-3]):[0-5]\d$/, 'must be a local time YYYY-MM-DD HH:MM'),
    off: localId,
    on: localId,
  })
  .strict();

const rosterShape = z
  .object({
    version: z.literal(1),
    station: z.object({ name, phone: phone.optional() }).strict(),
    teams: z.array(team).min(1),
    departments: z.array(department).default([]),
    schedules: z.array(schedule).min(1),
    staff: z.array(staffMember).min(1),
    // Any key here, so the checks can name a missing category ("no owner") or an unknown one by its own key.
    responsibilities: z.record(z.string(), responsibility),
    supervision: z.object({ scheduleId: localId }).strict(),
    managerId: localId,
    swaps: z.array(shiftSwap).optional(),
  })
  .strict();

/**
 * `refuse`: a 24h team left without anyone on duty at some moment is an error (a roster file).
 * `warn`: it is left to the caller to report (an admin editing the roster live is warned, not refused).
 */
export type CoverageMode = 'refuse' | 'warn';

const withChecks = (coverage: CoverageMode) =>
  // Cross-references only once every field is well-formed: zod would otherwise run them on a
  // half-parsed tree (a schedule whose rotation default was never filled in, say).
  rosterShape.superRefine((r, ctx) => checkRoster(r, ctx, { coverage: coverage === 'refuse' }), { when: (payload) => payload.issues.length === 0 });

export const rosterSchema = withChecks('refuse');
export const rosterSchemaAllowingGaps = withChecks('warn');

export type RosterInput = z.output<typeof rosterSchema>;
