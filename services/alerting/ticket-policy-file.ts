/**
 * Reads the site's ticket policy (YAML or JSON): SLA targets by priority and by
 * category, reminders, escalation and re-dispatch timings, laid over the domain's
 * defaults. Kept outside domain/ because it touches the filesystem.
 */
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { configError } from '../shared/config-error.ts';
import { readConfigFile } from '../shared/config-file.ts';
import { CATEGORIES, PRIORITIES } from './domain/model.ts';
import { makeTicketPolicy, slaFor, type TicketPolicyOverrides } from './domain/tickets/policy.ts';
import type { TicketPolicy } from './domain/tickets/types.ts';

export const REFERENCE_TICKET_POLICY_PATH = fileURLToPath(new URL('./reference/dianliu-block8-tickets.yaml', import.meta.url));

const durationMs = z.number().int().positive();
const targets = z.object({ acknowledgeMs: durationMs, arriveMs: durationMs, resolveMs: durationMs }).partial().strict();
const byPriority = z.object(Object.fromEntries(PRIORITIES.map((p) => [p, targets])) as Record<(typeof PRIORITIES)[number], typeof targets>).partial().strict();

const slaSchema = z
  .object({
    byPriority: byPriority.optional(),
    byCategory: z.object(Object.fromEntries(CATEGORIES.map((c) => [c, byPriority])) as Record<(typeof CATEGORIES)[number], typeof byPriority>).partial().strict().optional(),
  })
  .strict();

const policySchema = z
  .object({
    sla: slaSchema.optional(),
    // Per compound only the deadlines: reminders and escalation belong to the one desk.
    compounds: z.record(z.string().min(1), z.object({ sla: slaSchema.optional() }).strict()).optional(),
    reminderEveryMs: durationMs.optional(),
    escalateToManagerAfterMs: durationMs.optional(),
    reopenWindowMs: durationMs.optional(),
    acceptTimeoutMs: durationMs.optional(),
    stormCollapseMs: durationMs.optional(),
  })
  .strict();

/** The file's values over the domain's defaults (an empty file is the defaults), every key and every deadline checked. */
export function loadTicketPolicy(path: string = REFERENCE_TICKET_POLICY_PATH): TicketPolicy {
  return parseTicketPolicy(readConfigFile(path, 'ticket policy file'), `ticket policy file ${path}`);
}

/**
 * The same checks for a policy from anywhere (the config store, an admin's edit); `source` names it in the error.
 * `compounds`, when given (the site is known), refuses a compound layer for a compound the site does not have.
 */
export function parseTicketPolicy(raw: unknown, source = 'ticket policy', compounds?: readonly string[]): TicketPolicy {
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) throw configError(source, parsed.error.issues);
  const strangers = compounds === undefined ? [] : Object.keys(parsed.data.compounds ?? {}).filter((id) => !compounds.includes(id));
  if (strangers.length > 0) {
    throw configError(
      source,
      strangers.map((id) => ({ code: 'custom', input: id, path: ['compounds', id], message: `is not a compound of the site (the compounds are ${compounds!.join(', ')})` })),
    );
  }
  const policy = makeTicketPolicy(parsed.data as TicketPolicyOverrides);
  const disordered = deadlineOrderProblems(policy);
  if (disordered.length > 0) throw configError(source, disordered);
  return policy;
}

/** A ticket is acknowledged before anyone arrives, and someone arrives before it is resolved: for the site, and for each compound's layer. */
function deadlineOrderProblems(policy: TicketPolicy): z.core.$ZodIssue[] {
  const problems: z.core.$ZodIssue[] = [];
  for (const compoundId of [undefined, ...Object.keys(policy.compounds ?? {})]) {
    const sla = compoundId === undefined ? policy.sla : policy.compounds![compoundId]!;
    const prefix = compoundId === undefined ? [] : ['compounds', compoundId];
    for (const category of CATEGORIES) {
      for (const priority of PRIORITIES) {
        const t = slaFor(policy, category, priority, compoundId);
        if (t.acknowledgeMs <= t.arriveMs && t.arriveMs <= t.resolveMs) continue;
        const overridden = sla.byCategory[category]?.[priority] !== undefined;
        problems.push({
          code: 'custom',
          input: t,
          path: [...prefix, ...(overridden ? ['sla', 'byCategory', category, priority] : ['sla', 'byPriority', priority])],
          message: `deadlines must run acknowledge ≤ arrive ≤ resolve (${compoundId === undefined ? '' : `${compoundId} `}${category} ${priority}: ${t.acknowledgeMs} / ${t.arriveMs} / ${t.resolveMs} ms)`,
        });
      }
    }
  }
  // One problem per key is enough: every category repeats a byPriority one.
  return problems.filter((p, i) => problems.findIndex((q) => q.path.join('.') === p.path.join('.')) === i);
}
