/**
 * Shape checks for commands. The API validates its JSON with schemas too, but the
 * domain is called by other code paths (the service, scripts), so it does not
 * trust its input: a malformed command is an error value, never a throw.
 */
import { COMMAND_TYPES, NOTE_REQUIRED } from './states.ts';
import { PERSON_ROLES, type Command } from './types.ts';

export const NOTE_MAX_LENGTH = 2000;
const ID_MAX_LENGTH = 128;

const isId = (x: unknown): x is string => typeof x === 'string' && x.trim().length > 0 && x.length <= ID_MAX_LENGTH;
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/** undefined when the command is well-formed, else a message naming the field. */
export function commandProblem(c: unknown): string | undefined {
  if (!isObject(c)) return 'command: must be an object';
  if (typeof c.type !== 'string' || !(COMMAND_TYPES as string[]).includes(c.type)) return `type: unknown command ${JSON.stringify(c.type)}`;
  const a = c.actor;
  if (!isObject(a)) return 'actor: required';
  if (a.kind === 'person') {
    if (!isId(a.id)) return 'actor.id: required';
    if (!(PERSON_ROLES as readonly unknown[]).includes(a.role)) return `actor.role: must be one of ${PERSON_ROLES.join(', ')}`;
  } else if (a.kind !== 'system') return 'actor.kind: must be person or system';
  if (c.commandId !== undefined && !isId(c.commandId)) return 'commandId: must be a non-empty string';
  if (c.note !== undefined && typeof c.note !== 'string') return 'note: must be a string';
  if (typeof c.note === 'string' && c.note.length > NOTE_MAX_LENGTH) return `note: at most ${NOTE_MAX_LENGTH} characters`;
  if ((NOTE_REQUIRED as string[]).includes(c.type) && (typeof c.note !== 'string' || c.note.trim() === '')) return `note: required to ${c.type}`;
  const cmd = c as Command;
  if (cmd.type === 'dispatch') {
    if (cmd.staffId !== undefined && !isId(cmd.staffId)) return 'staffId: must be a non-empty string';
    if (cmd.teamId !== undefined && !isId(cmd.teamId)) return 'teamId: must be a non-empty string';
  }
  if (cmd.type === 'transfer') {
    const to: unknown = cmd.to;
    if (!isObject(to)) return 'to: required';
    if (to.kind === 'team') {
      if (!isId(to.teamId)) return 'to.teamId: required';
    } else if (to.kind === 'department') {
      if (!isId(to.departmentId)) return 'to.departmentId: required';
    } else return 'to.kind: must be team or department';
  }
  return undefined;
}
