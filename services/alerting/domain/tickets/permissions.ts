/**
 * Who may do what. "Desk" is the duty desk and those above it (operator,
 * supervisor, manager): they may act for anyone, e.g. record an arrival a
 * staff member phoned in. Staff act only on what is assigned to them. The system
 * (the service itself) may dispatch, resolve, close, escalate and comment.
 */
import { DESK_ROLES, type Actor, type CommandType, type Ticket } from './types.ts';

export const isDesk = (a: Actor): boolean => a.kind === 'person' && (DESK_ROLES as readonly string[]).includes(a.role);

export const isAssignee = (t: Ticket, a: Actor): boolean =>
  a.kind === 'person' && t.assignment?.kind === 'staff' && t.assignment.staffId === a.id;

const desk = (_t: Ticket, a: Actor): boolean => isDesk(a);
const deskOrSystem = (_t: Ticket, a: Actor): boolean => isDesk(a) || a.kind === 'system';
const assigneeOrDesk = (t: Ticket, a: Actor): boolean => isAssignee(t, a) || isDesk(a);

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
  comment: { allowed: () => true, who: 'anyone' },
  escalate: { allowed: deskOrSystem, who: 'the duty desk' },
};

/** undefined when allowed, else why not. */
export function refusal(t: Ticket, a: Actor, type: CommandType): string | undefined {
  const rule = RULES[type];
  if (rule.allowed(t, a)) return undefined;
  const who = a.kind === 'system' ? 'the system' : `${a.role} ${a.id}`;
  return `${type}: only ${rule.who} may do this, not ${who}`;
}
