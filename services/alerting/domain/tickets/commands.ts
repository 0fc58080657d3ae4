/**
 * People's (and the service's) commands on a ticket. Order of checks, so the API
 * can map them: malformed → OC_TICKET_INVALID_COMMAND (400); an already applied
 * commandId → ok with nothing new; wrong state → OC_TICKET_ILLEGAL_TRANSITION (409,
 * with the current state); wrong person → OC_TICKET_NOT_ALLOWED (403); a legal
 * command that makes no sense for this ticket (dispatch to whoever already has it)
 * → OC_TICKET_INVALID_COMMAND. Business rules never throw.
 */
import type { Bilingual } from '../model.ts';
import { Draft, pushBounded } from './draft.ts';
import { outstandingBreaches } from './deadlines.ts';
import { msg } from './messages.ts';
import {
  OPERATORS,
  acknowledge,
  assigneeTarget,
  assignStaff,
  describeAssignment,
  escalate,
  reopen,
  resolve,
  withdrawAssignment,
} from './ops.ts';
import { isAssignee, refusal } from './permissions.ts';
import { COMMAND_FROM } from './states.ts';
import type { Command, CommandType, Decision, EscalationLevel, Ticket, TicketContext, TicketErrorCode } from './types.ts';
import { commandProblem } from './validate.ts';

/** A person's or team's name for a message; the id itself where the roster does not know it. */
const nameOf = (ctx: TicketContext, id: string): Bilingual => ctx.nameOf?.(id) ?? { zh: id, en: id };

type Handler<T extends CommandType> = (d: Draft, c: Extract<Command, { type: T }>, ctx: TicketContext) => string | undefined;

const fail = (code: TicketErrorCode, message: string, ticket: Ticket): Decision => ({
  ok: false,
  error: { code, message, currentState: ticket.state },
});

export function applyCommand(ticket: Ticket, command: Command, now: number, ctx: TicketContext): Decision {
  const problem = commandProblem(command);
  if (problem !== undefined) return fail('OC_TICKET_INVALID_COMMAND', problem, ticket);
  // Before the state check: a retry of an applied command would otherwise look illegal.
  if (command.commandId !== undefined && ticket.recentCommandIds.includes(command.commandId)) {
    return { ok: true, ticket, entries: [], notifications: [] };
  }
  if (!COMMAND_FROM[command.type].includes(ticket.state)) {
    return fail('OC_TICKET_ILLEGAL_TRANSITION', `cannot ${command.type} a ticket that is ${ticket.state}`, ticket);
  }
  const refused = refusalFor(ticket, command);
  if (refused !== undefined) return fail('OC_TICKET_NOT_ALLOWED', refused, ticket);

  const d = new Draft(ticket, now);
  const normalised = { ...command, note: command.note?.trim() || undefined } as Command;
  const invalid = runHandler(d, normalised, ctx);
  if (invalid !== undefined) return fail('OC_TICKET_INVALID_COMMAND', invalid, ticket);
  if (command.commandId !== undefined) pushBounded(d.ticket.recentCommandIds, command.commandId, ctx.policy.commandIdsKept);
  return { ok: true, ...d.finish() };
}

const refusalFor = (t: Ticket, c: Command): string | undefined => refusal(t, c.actor, c.type);

function runHandler(d: Draft, c: Command, ctx: TicketContext): string | undefined {
  switch (c.type) {
    case 'acknowledge':
      return onAcknowledge(d, c, ctx);
    case 'dispatch':
      return onDispatch(d, c, ctx);
    case 'accept':
      return onAccept(d, c, ctx);
    case 'arrive':
      return onArrive(d, c, ctx);
    case 'resolve':
      return onResolve(d, c, ctx);
    case 'close':
      return onClose(d, c, ctx);
    case 'cancel':
      return onCancel(d, c, ctx);
    case 'reopen':
      return onReopen(d, c, ctx);
    case 'transfer':
      return onTransfer(d, c, ctx);
    case 'comment':
      return onComment(d, c, ctx);
    case 'escalate':
      return onEscalate(d, c, ctx);
  }
}

const onAcknowledge: Handler<'acknowledge'> = (d, c) => {
  acknowledge(d, c.actor, c.note);
  return undefined;
};

const onDispatch: Handler<'dispatch'> = (d, c, ctx) => {
  const t = d.ticket;
  const current = t.assignment?.kind === 'staff' ? t.assignment.staffId : undefined;
  let target: { staffId: string; teamId: string } | undefined;
  if (c.staffId !== undefined) {
    const teamId = c.teamId ?? t.teamId;
    if (teamId === undefined) return 'teamId: required, the ticket has no team yet';
    target = { staffId: c.staffId, teamId };
  } else {
    const exclude = [...t.passedOverStaffIds, ...(current === undefined ? [] : [current])];
    target = ctx.chooseAssignee(t.category, c.teamId ?? t.teamId, d.now, exclude);
    if (target === undefined) return `staffId: nobody on duty in ${c.teamId ?? t.teamId ?? 'the team'} to choose; name someone, transfer or escalate`;
  }
  if (target.staffId === current) return `staffId: already dispatched to ${current}`;
  if (t.state === 'open') acknowledge(d, c.actor, undefined, 'dispatch');
  assignStaff(d, c.actor, target, c.note, c.staffId === undefined ? 'chosen by the roster' : 'chosen by the desk');
  return undefined;
};

const onAccept: Handler<'accept'> = (d, c, ctx) => {
  const t = d.ticket;
  const a = t.assignment;
  if (a?.kind !== 'staff') return 'accept: the ticket is with a partner department, not a staff member';
  if (a.acceptedAt !== undefined) return `accept: ${a.staffId} already accepted`;
  a.acceptedAt = d.now;
  d.entry(c.actor, 'accepted', { note: c.note, data: { staffId: a.staffId, onBehalf: !isAssignee(t, c.actor) } });
  d.notify('ticket.changed', OPERATORS, msg.accepted(t, nameOf(ctx, a.staffId)));
  return undefined;
};

const onArrive: Handler<'arrive'> = (d, c) => {
  const t = d.ticket;
  const a = t.assignment;
  // Turning up is the clearest acceptance there is.
  const impliedAccept = a?.kind === 'staff' && a.acceptedAt === undefined;
  if (a?.kind === 'staff' && impliedAccept) a.acceptedAt = d.now;
  d.move(c.actor, 'arrived', 'on_site', { note: c.note, data: { ...describeAssignment(a), ...(impliedAccept ? { impliedAccept } : {}) } });
  t.milestones.arrivedAt ??= d.now;
  d.notify('ticket.changed', OPERATORS, msg.arrived(t));
  return undefined;
};

const onResolve: Handler<'resolve'> = (d, c) => {
  resolve(d, c.actor, c.note, false);
  return undefined;
};

const onClose: Handler<'close'> = (d, c) => {
  d.move(c.actor, 'closed', 'closed', { note: c.note });
  d.ticket.milestones.closedAt = d.now;
  return undefined;
};

const onCancel: Handler<'cancel'> = (d, c) => {
  const t = d.ticket;
  const wasWorking = t.state === 'dispatched' || t.state === 'on_site';
  d.move(c.actor, 'cancelled', 'cancelled', { note: c.note });
  t.milestones.cancelledAt = d.now;
  // The assignment stays for the record, but whoever has it must stop.
  if (wasWorking && t.assignment !== undefined) d.notify('ticket.cancelled', assigneeTarget(t.assignment), msg.cancelled(t));
  return undefined;
};

const onReopen: Handler<'reopen'> = (d, c, ctx) => {
  reopen(d, c.actor, ctx, 'by a person', c.note);
  return undefined;
};

/**
 * Transfer to a team: back to `acknowledged` with that team and no staff (the
 * desk, or the service, then dispatches within it). Transfer to a partner
 * department: `dispatched` with a department assignment; the station relays it.
 * From `open` it implies acknowledge, like dispatch. Deadlines are unchanged.
 */
const onTransfer: Handler<'transfer'> = (d, c, ctx) => {
  const t = d.ticket;
  const to = c.to;
  if (to.kind === 'team' && to.teamId === t.teamId && t.assignment?.kind !== 'department') {
    return `to.teamId: the ticket is already with team ${to.teamId}`;
  }
  if (to.kind === 'department' && t.assignment?.kind === 'department' && t.assignment.departmentId === to.departmentId) {
    return `to.departmentId: the ticket is already with ${to.departmentId}`;
  }
  if (t.state === 'open') acknowledge(d, c.actor, undefined, 'transfer');
  delete t.unmetDuty;
  const fromTeamId = t.teamId;
  const previous = describeAssignment(withdrawAssignment(d));
  t.escalation.announced = t.escalation.announced.filter((k) => k !== 'accept');
  const data = { to: { ...to }, ...(fromTeamId === undefined ? {} : { fromTeamId }), ...(previous ? { previous } : {}) };
  if (to.kind === 'team') {
    t.teamId = to.teamId;
    d.move(c.actor, 'transferred', 'acknowledged', { note: c.note, data });
    d.notify('ticket.transferred', OPERATORS, msg.transferredToTeam(t, nameOf(ctx, to.teamId)));
  } else {
    t.assignment = { kind: 'department', departmentId: to.departmentId, transferredAt: d.now };
    d.move(c.actor, 'transferred', 'dispatched', { note: c.note, data });
    d.notify('ticket.transferred', { departmentId: to.departmentId }, msg.toDepartment(t));
  }
  return undefined;
};

const onComment: Handler<'comment'> = (d, c) => {
  d.entry(c.actor, 'commented', { note: c.note });
  return undefined;
};

/** Manual escalation: one level up (re-pages at the top level); breaches it covers are not announced again by the timers. */
const onEscalate: Handler<'escalate'> = (d, c, ctx) => {
  const t = d.ticket;
  const level = Math.min(t.escalation.level + 1, 2) as EscalationLevel;
  const breaches = outstandingBreaches(t, d.now);
  t.escalation.announced = [...new Set([...t.escalation.announced, ...breaches])];
  escalate(d, c.actor, ctx, level, breaches, 'by the desk', c.note);
  return undefined;
};
