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

const policySchema = z
  .object({
    sla: z
      .object({
        byPriority: byPriority.optional(),
        byCategory: z.object(Object.fromEntries(CATEGORIES.map((c) => [c, byPriority])) as Record<(typeof CATEGORIES)[number], typeof byPriority>).partial().strict().optional(),
      })
      .strict()
      .optional(),
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

/** The same checks for a policy from anywhere (the config store, an admin's edit); `source` names it in the error. */
export function parseTicketPolicy(raw: unknown, source = 'ticket policy'): TicketPolicy {
  const parsed = policySchema.safeParse(raw ?? {});
  if (!parsed.success) throw configError(source, parsed.error.issues);
  const policy = makeTicketPolicy(parsed.data as TicketPolicyOverrides);
  const disordered = deadlineOrderProblems(policy);
  if (disordered.length > 0) throw configError(source, disordered);
  return policy;
}

/** A ticket is acknowledged before anyone arrives, and someone arrives before it is resolved. */
function deadlineOrderProblems(policy: TicketPolicy): z.core.$ZodIssue[] {
  const problems: z.core.$ZodIssue[] = [];
  for (const category of CATEGORIES) {
    for (const priority of PRIORITIES) {
      const t = slaFor(policy, category, priority);
      if (t.acknowledgeMs <= t.arriveMs && t.arriveMs <= t.resolveMs) continue;
      const overridden = policy.sla.byCategory[category]?.[priority] !== undefined;
      problems.push({
        code: 'custom',
        input: t,
        path: overridden ? ['sla', 'byCategory', category, priority] : ['sla', 'byPriority', priority],
        message: `deadlines must run acknowledge ≤ arrive ≤ resolve (${category} ${priority}: ${t.acknowledgeMs} / ${t.arriveMs} / ${t.resolveMs} ms)`,
      });
    }
  }
  // One problem per key is enough: every category repeats a byPriority one.
  return problems.filter((p, i) => problems.findIndex((q) => q.path.join('.') === p.path.join('.')) === i);
}
