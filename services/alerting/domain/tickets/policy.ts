/**
 * SLA targets and the other knobs, with the defaults a 24-hour property desk
 * starts from. Resolve within 24 h unless the priority says sooner (issue #3).
 */
import { PRIORITIES, type Category, type Priority } from '../model.ts';
import type { SlaTargets, TicketPolicy, TicketSla } from './types.ts';

const MIN = 60_000;
const HOUR = 60 * MIN;

export const DEFAULT_SLA: Record<Priority, SlaTargets> = {
  P1: { acknowledgeMs: 5 * MIN, arriveMs: 30 * MIN, resolveMs: 4 * HOUR },
  P2: { acknowledgeMs: 15 * MIN, arriveMs: 2 * HOUR, resolveMs: 12 * HOUR },
  P3: { acknowledgeMs: 30 * MIN, arriveMs: 4 * HOUR, resolveMs: 24 * HOUR },
  // Routine: slow to reach, but the 24 h resolve promise is the point of the desk and holds for P4 too.
  P4: { acknowledgeMs: 2 * HOUR, arriveMs: 12 * HOUR, resolveMs: 24 * HOUR },
};

export const DEFAULT_TICKET_POLICY: TicketPolicy = {
  sla: { byPriority: DEFAULT_SLA, byCategory: {} },
  reminderEveryMs: 15 * MIN,
  escalateToManagerAfterMs: 15 * MIN,
  reopenWindowMs: 30 * MIN,
  acceptTimeoutMs: 10 * MIN,
  stormCollapseMs: MIN,
  linkedEventsKept: 50,
  commandIdsKept: 32,
  passedOverKept: 20,
};

export interface SlaOverrides {
  byPriority?: Partial<Record<Priority, Partial<SlaTargets>>>;
  byCategory?: TicketSla['byCategory'];
}

export type TicketPolicyOverrides = Partial<Omit<TicketPolicy, 'sla' | 'compounds'>> & {
  sla?: SlaOverrides;
  /** Per compound, deadlines over the site's: only the SLA, since reminders and escalation are the desk's, not a compound's. */
  compounds?: Record<string, { sla?: SlaOverrides }>;
};

/** Defaults with site overrides laid over them (per field, so a site can change one number), and each compound's over the site's. */
export function makeTicketPolicy(overrides: TicketPolicyOverrides = {}): TicketPolicy {
  const { sla, compounds, ...rest } = overrides;
  const byPriority = Object.fromEntries(
    PRIORITIES.map((p) => [p, { ...DEFAULT_SLA[p], ...sla?.byPriority?.[p] }]),
  ) as Record<Priority, SlaTargets>;
  const site: TicketSla = { byPriority, byCategory: sla?.byCategory ?? {} };
  const layered = Object.entries(compounds ?? {}).map(([id, c]) => [id, slaOver(site, c.sla ?? {})] as const);
  return { ...DEFAULT_TICKET_POLICY, ...rest, sla: site, ...(layered.length > 0 ? { compounds: Object.fromEntries(layered) } : {}) };
}

/** One layer over another, field by field: a compound that changes P1's resolve keeps the site's P1 acknowledge. */
function slaOver(base: TicketSla, over: SlaOverrides): TicketSla {
  const byPriority = Object.fromEntries(PRIORITIES.map((p) => [p, { ...base.byPriority[p], ...over.byPriority?.[p] }])) as Record<Priority, SlaTargets>;
  const byCategory: TicketSla['byCategory'] = { ...base.byCategory };
  for (const [category, targets] of Object.entries(over.byCategory ?? {}) as [Category, Partial<Record<Priority, Partial<SlaTargets>>>][]) {
    const merged: Partial<Record<Priority, Partial<SlaTargets>>> = { ...base.byCategory[category] };
    for (const p of PRIORITIES) if (targets[p] !== undefined) merged[p] = { ...merged[p], ...targets[p] };
    byCategory[category] = merged;
  }
  return { byPriority, byCategory };
}

/** The SLA a compound's tickets run on: its own layer, else the site's. */
export function slaOfCompound(policy: TicketPolicy, compoundId: string | undefined): TicketSla {
  return (compoundId !== undefined ? policy.compounds?.[compoundId] : undefined) ?? policy.sla;
}

/** A ticket's targets: its priority's, its category's over them, in its compound's SLA (the site's when the compound has none). */
export function slaFor(policy: TicketPolicy, category: Category, priority: Priority, compoundId?: string): SlaTargets {
  const sla = slaOfCompound(policy, compoundId);
  return { ...sla.byPriority[priority], ...sla.byCategory[category]?.[priority] };
}

const rank = (p: Priority): number => PRIORITIES.indexOf(p);

/** P1 is the highest. */
export const isHigherPriority = (a: Priority, than: Priority): boolean => rank(a) < rank(than);

/** One step more urgent, never past P1. */
export const raisedPriority = (p: Priority): Priority => PRIORITIES[Math.max(0, rank(p) - 1)] ?? p;
