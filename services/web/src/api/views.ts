/**
 * Shapes of the desk's composite views (site plan, shift, SLA figures, level series), as
 * the API contract of issue 5 describes them.
 */
import type { Bilingual } from './types.ts';

export interface PlanRect {
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface PlanPoint {
  x: number;
  y: number;
}

export type PlanDeviceStatus = 'online' | 'offline' | 'fault' | 'unknown';

export interface PlanDevice {
  id: string;
  kind: 'door' | 'camera' | 'drain';
  name: Bilingual;
  status: PlanDeviceStatus;
  lastSeen: number | null;
  openTickets: number;
  worstPriority: 'P1' | 'P2' | 'P3' | 'P4' | null;
  /** Drains: the last reading; null before the first. */
  drain: { levelMm: number; depthMm: number | null; levelPct: number | null; at: number } | null;
}

export interface PlanEntrance {
  id: string;
  name: Bilingual;
  households: number;
  plan: PlanPoint | null;
  devices: PlanDevice[];
}

export interface PlanBuilding {
  id: string;
  name: Bilingual;
  floors: number | null;
  households: number;
  plan: PlanRect | null;
  entrances: PlanEntrance[];
}

export interface PlanPublicPoint {
  id: string;
  type: 'gate' | 'lane' | 'parking' | 'manhole' | 'square';
  name: Bilingual;
  note: Bilingual | null;
  depthMm: number | null;
  plan: PlanPoint | null;
  devices: PlanDevice[];
}

export interface PlanCompound {
  id: string;
  name: Bilingual;
  households: number;
  renterShare: number | null;
  /** Extent of the plan in metres, when the config gives it. */
  plan: { w: number; h: number } | null;
  buildings: PlanBuilding[];
  publicPoints: PlanPublicPoint[];
}

export interface PlanCommunity {
  id: string;
  name: Bilingual;
  compounds: PlanCompound[];
}

/** GET /api/site/plan. Plan coordinates are metres, x east and y north from each compound's south-west corner. */
export interface SitePlan {
  units: string;
  subdistrict: { id: string; name: Bilingual; communities: PlanCommunity[] };
}

export interface SlaFigures {
  from?: number;
  to?: number;
  opened: number;
  resolved: number;
  /** Of the resolved, those that resolved by themselves (the condition cleared). */
  autoResolved?: number;
  breached: number;
  medianAckS: number | null;
  medianResolveS: number | null;
}

export interface ShiftMember {
  staffId: string;
  name: Bilingual;
  role: string;
  phone: string | null;
  /** Ids of the open tickets dispatched to them. */
  openWork: string[];
}

/** GET /api/shift (operators and managers). */
export interface ShiftReport {
  now: number;
  shift: { id: string; scheduleId: string; crew: string; crewName: Bilingual; start: number; end: number };
  supervisor: { staffId: string; name: Bilingual } | null;
  teams: { team: string; name: Bilingual; onDuty: ShiftMember[] }[];
  sla: { currentShift: SlaFigures; last7Days?: SlaFigures };
}

/** GET /api/devices/:id/level. */
export interface LevelSeries {
  deviceId: string;
  depthMm: number | null;
  from: number;
  to: number;
  points: { at: number; levelMm: number }[];
}

/** GET /api/reports/sla (manager only): the last `days` local days. */
export interface SlaReport {
  period: { from: number; to: number; days: number };
  total: SlaFigures;
  byDay: (SlaFigures & { date: string })[];
  byCategory: Record<string, SlaFigures>;
  byPriority: Record<string, SlaFigures>;
  troubleSpots: { compoundId: string; placeId: string; tickets: number; byAlertType: Record<string, number>; name: Bilingual }[];
}

/** One group of people's reports in GET /api/reports/people: counts and satisfaction (mean stars, null while unrated). */
export interface ReportFigures {
  reports: number;
  rated: number;
  meanStars: number | null;
  lowRatings: number;
}

/** GET /api/reports/people (manager only): people's reports by report category, place and source. */
export interface PeopleReport {
  total: ReportFigures;
  byCategory: Record<string, ReportFigures>;
  byPlace: Record<string, ReportFigures & { name?: Bilingual }>;
  bySource: Record<string, ReportFigures>;
}
