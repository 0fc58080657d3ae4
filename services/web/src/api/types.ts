/**
 * What the pages receive from the API. The ticket shapes are the ticket domain's own
 * (plain JSON, see services/alerting/domain/tickets/types.ts): type-only imports, so no
 * server code reaches the bundle.
 */
import type { Bilingual, Category, Priority } from '../../../alerting/domain/model.ts';
import type { Ticket, TimelineEntry } from '../../../alerting/domain/tickets/types.ts';

export type { Assignment, CommandType, Ticket, TicketState, TimelineEntry } from '../../../alerting/domain/tickets/types.ts';
export type { Bilingual, Category, Priority };

export type Role = 'operator' | 'staff' | 'manager' | 'admin';

export interface SessionUser {
  login: string;
  name: Bilingual;
  role: Role;
  staffId: string;
}

export interface LinkedEvent {
  eventId: string;
  at: number;
  /** The device envelope as the gateway logged it ({ type, ts, data, … }); status records differ. */
  body: unknown;
}

export interface TicketDetail {
  ticket: Ticket;
  timeline: TimelineEntry[];
  linkedEvents: LinkedEvent[];
}

export interface ActionResult {
  ticket: Ticket;
  entries: TimelineEntry[];
}

export interface Team {
  id: string;
  name: Bilingual;
}

export interface StaffMember {
  id: string;
  name: Bilingual;
  teamId: string;
  role: string;
  phone?: string;
}

export interface RosterInfo {
  teams: Team[];
  staff: StaffMember[];
  departments: Team[];
}

export interface OnDutyInfo {
  teams: { teamId: string; name: Bilingual; onDuty: (StaffMember & { openWork: number })[] }[];
}

export interface DeviceStatusRecord {
  deviceId: string;
  state: string;
  since: number | null;
  lastSeen: number | null;
}

export interface DeviceInfo {
  id: string;
  kind: 'door' | 'camera' | 'drain';
  communityId: string;
  compoundId: string;
  buildingId?: string;
  placeId: string;
  placeType: string;
  name: Bilingual;
  depthMm?: number;
  status: DeviceStatusRecord;
  openTickets: number;
}
