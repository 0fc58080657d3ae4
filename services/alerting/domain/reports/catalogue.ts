/**
 * What residents and callers report, as plain data: the fixed, bilingual list the desk's
 * call form and the resident page offer. Each entry says which ticket category the
 * report becomes (so the responsibility matrix, silences and reports treat it as they
 * treat a sensor's ticket), its default priority, the team that takes it and its SLA.
 */
import type { Bilingual, Category, Priority } from '../model.ts';
import type { SlaTargets } from '../tickets/types.ts';

export const REPORT_CATEGORIES = ['drainage', 'door-access', 'lighting', 'lift', 'sanitation', 'noise-neighbour', 'safety', 'other'] as const;
export type ReportCategory = (typeof REPORT_CATEGORIES)[number];

export interface ReportCategoryEntry {
  id: ReportCategory;
  name: Bilingual;
  /** The ticket category it opens or joins: a resident's drain report joins the drain sensor's ticket. */
  ticketCategory: Category;
  priority: Priority;
  teamId: string;
  sla: SlaTargets;
}

const MIN = 60_000;
const HOUR = 60 * MIN;
const sla = (acknowledgeMin: number, arriveH: number, resolveH: number): SlaTargets => ({ acknowledgeMs: acknowledgeMin * MIN, arriveMs: arriveH * HOUR, resolveMs: resolveH * HOUR });

export const REPORT_CATALOGUE: Readonly<Record<ReportCategory, ReportCategoryEntry>> = {
  drainage: { id: 'drainage', name: { zh: '下水道堵塞/积水', en: 'Drainage / flooding' }, ticketCategory: 'drainage', priority: 'P2', teamId: 'plumbing', sla: sla(15, 2, 12) },
  'door-access': { id: 'door-access', name: { zh: '单元门/门禁', en: 'Door / access' }, ticketCategory: 'access-control', priority: 'P3', teamId: 'access-control', sla: sla(30, 4, 24) },
  lighting: { id: 'lighting', name: { zh: '照明', en: 'Lighting' }, ticketCategory: 'device-fault', priority: 'P4', teamId: 'office', sla: sla(120, 12, 24) },
  lift: { id: 'lift', name: { zh: '电梯', en: 'Lift' }, ticketCategory: 'device-fault', priority: 'P2', teamId: 'office', sla: sla(15, 1, 12) },
  sanitation: { id: 'sanitation', name: { zh: '环境卫生', en: 'Sanitation' }, ticketCategory: 'public-order', priority: 'P4', teamId: 'office', sla: sla(120, 12, 24) },
  'noise-neighbour': { id: 'noise-neighbour', name: { zh: '噪音/邻里', en: 'Noise / neighbour' }, ticketCategory: 'public-order', priority: 'P3', teamId: 'security', sla: sla(30, 2, 24) },
  safety: { id: 'safety', name: { zh: '安全隐患', en: 'Safety' }, ticketCategory: 'security', priority: 'P2', teamId: 'security', sla: sla(5, 0.5, 4) },
  other: { id: 'other', name: { zh: '其他', en: 'Other' }, ticketCategory: 'public-order', priority: 'P4', teamId: 'office', sla: sla(120, 12, 24) },
};

export const isReportCategory = (v: unknown): v is ReportCategory => typeof v === 'string' && (REPORT_CATEGORIES as readonly string[]).includes(v);

/** Where a report came from; the desk board shows it. */
export const REPORT_SOURCES = ['call', 'resident'] as const;
export type ReportSource = (typeof REPORT_SOURCES)[number];
