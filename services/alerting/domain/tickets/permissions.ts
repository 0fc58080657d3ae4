/**
 * Who may see and do what. "Desk" is the duty desk and those above it (operator,
 * supervisor, manager): they see every ticket and may act for anyone, e.g. record
 * an arrival a staff member phoned in. Staff see, and act on, only what is
 * assigned to them. The system (the service itself) may dispatch, resolve, close,
 * escalate and comment.
 */
import { DESK_ROLES, type Actor, type CommandType, type Ticket, type TimelineEntry } from './types.ts';

export const isDesk = (a: Actor): boolean => a.kind === 'person' && (DESK_ROLES as readonly string[]).includes(a.role);

export const isAssignee = (t: Ticket, a: Actor): boolean =>
  a.kind === 'person' && t.assignment?.kind === 'staff' && t.assignment.staffId === a.id;

const desk = (_t: Ticket, a: Actor): boolean => isDesk(a);
const deskOrSystem = (_t: Ticket, a: Actor): boolean => isDesk(a) || a.kind === 'system';
const assigneeOrDesk = (t: Ticket, a: Actor): boolean => isAssignee(t, a) || isDesk(a);

/** Staff see a ticket while it is assigned to them (resolved and closed ones stay theirs); everyone else sees all. */
export const mayView = (t: Ticket, a: Actor): boolean => a.kind === 'system' || isDesk(a) || isAssignee(t, a);

/**
 * Staff a change took the ticket away from (re-dispatched to someone else,
 * transferred, reopened): they can no longer see it, but must hear that it is
 * no longer theirs.
 */
export function withdrawnFrom(entries: readonly TimelineEntry[]): string[] {
  const ids = new Set<string>();
  for (const e of entries) {
    const previous = (e.data?.previous ?? e.data?.previousAssignee) as { staffId?: unknown } | undefined;
    if (typeof previous?.staffId === 'string') ids.add(previous.staffId);
  }
  return [...ids];
}

const RULES: Record<CommandType, { allowed: (t: Ticket, a: Actor) => boolean; who: string }> = {
  acknowledge: { allowed: desk, who: 'the duty desk' },
  dispatch: { allowed: deskOrSystem, who: 'the duty desk' },
  accept: { allowed: assigneeOrDesk, who: 'the assigned staff or the duty desk' },
  arrive: { allowed: assigneeOrDesk, who: 'the assigned staff or the duty desk' },
  resolve: { allowed: (t, a) => assigneeOrDesk(t, a) || a.kind === 'system', who: 'the assigned staff or the duty desk' },
  close: { allowed: deskOrSystem, who: 'the duty desk' },
  cancel: { allowed: desk, who: 'the duty desk' },
  reopen: { allowed: desk, who: 'the duty desk' },
  transfer: { allowed: desk, who: 'the duty desk' },
  // Staff write on their own tickets only: what they cannot see they cannot comment on.
  comment: { allowed: (t, a) => assigneeOrDesk(t, a) || a.kind === 'system', who: 'the assigned staff or the duty desk' },
  escalate: { allowed: deskOrSystem, who: 'the duty desk' },
};

/** undefined when allowed, else why not. */
export function refusal(t: Ticket, a: Actor, type: CommandType): string | undefined {
  const rule = RULES[type];
  if (rule.allowed(t, a)) return undefined;
  const who = a.kind === 'system' ? 'the system' : `${a.role} ${a.id}`;
  return `${type}: only ${rule.who} may do this, not ${who}`;
}
