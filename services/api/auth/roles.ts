/**
 * The roles people sign in with, and which roster roles each may stand for.
 * Ticket-level rules (who may acknowledge, resolve, see a ticket) live in the
 * ticket domain (services/alerting/domain/tickets/permissions.ts); this file only
 * decides which views and routes a role reaches.
 */
import type { StaffRole } from '../../alerting/domain/dispatch/types.ts';

export const APP_ROLES = ['operator', 'staff', 'manager', 'admin'] as const;
export type AppRole = (typeof APP_ROLES)[number];

/**
 * A users-file entry links a login to a roster member; the role must match what
 * the roster says the person is, or the ticket domain (which reads the roster
 * role) and the views (which read this role) would disagree about them.
 * A shift supervisor (值班长) works the duty desk, so signs in as an operator.
 */
export const ROSTER_ROLES_FOR: Readonly<Record<AppRole, readonly StaffRole[]>> = {
  operator: ['operator', 'supervisor'],
  staff: ['staff'],
  manager: ['manager'],
  // The site's administrator (issue 17) stands for someone of the office or the desk.
  admin: ['manager', 'supervisor', 'operator'],
};

/**
 * Who reaches a route. `public`: nobody needs to be signed in (health, OpenAPI,
 * sign-in itself). `signed-in`: any role (staff then see only their own work).
 * `desk`: operators and managers. `manager`: the manager's reports. `admin`: configuration
 * (devices, places, people, roster, rules, audit; issue 17), for the admin role only; an
 * admin also reaches the desk and the reports, to see what their changes do.
 */
export const ACCESS_LEVELS = ['public', 'signed-in', 'desk', 'manager', 'admin'] as const;
export type Access = (typeof ACCESS_LEVELS)[number];

const ROLES_WITH: Readonly<Record<Exclude<Access, 'public'>, readonly AppRole[]>> = {
  'signed-in': APP_ROLES,
  desk: ['operator', 'manager', 'admin'],
  manager: ['manager', 'admin'],
  admin: ['admin'],
};

export const mayReach = (role: AppRole, access: Access): boolean => access === 'public' || ROLES_WITH[access].includes(role);
