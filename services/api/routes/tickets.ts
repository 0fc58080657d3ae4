import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { COMMAND_TYPES, TICKET_STATES, mayView, type Actor, type Command, type CommandType } from '../../alerting/domain/tickets/index.ts';
import { CATEGORIES, PRIORITIES } from '../../alerting/domain/model.ts';
import type { RecordedAnswer } from '../actions/action-log.ts';
import type { ApiContext } from '../api-context.ts';
import { API_ERRORS, errorSchema, sendError, type ApiErrorBody } from '../api-errors.ts';
import { actorOf, forbidden } from '../auth/request-auth.ts';
import { LinkedEventSchema, TicketSchema, TimelineEntrySchema } from './ticket-schema.ts';

const csvOf = (values: readonly string[]) => Type.String({ pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`, description: `comma-separated: ${values.join(', ')}` });

const ListQuery = Type.Object(
  {
    state: Type.Optional(csvOf(TICKET_STATES)),
    category: Type.Optional(csvOf(CATEGORIES)),
    priority: Type.Optional(csvOf(PRIORITIES)),
    community: Type.Optional(Type.String({ minLength: 1 })),
    compound: Type.Optional(Type.String({ minLength: 1 })),
    device: Type.Optional(Type.String({ minLength: 1 })),
    staff: Type.Optional(Type.String({ minLength: 1, description: 'desk only: tickets dispatched to this staff id' })),
    mine: Type.Optional(Type.Boolean({ description: 'only tickets dispatched to the signed-in user (staff always get only theirs)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 0, description: 'only tickets updated before this time (epoch ms), for paging' })),
  },
  { additionalProperties: false },
);

const TicketId = Type.Object({ id: Type.String({ pattern: '^T\\d{8}-\\d{4,}$' }) });
const ActionParams = Type.Object({ id: TicketId.properties.id, action: Type.Union(COMMAND_TYPES.map((c) => Type.Literal(c))) });
const ActionBody = Type.Object(
  {
    actionId: Type.String({
      pattern: '^[A-Za-z0-9._:-]{8,100}$',
      description: 'client-generated (a UUID): a retry with the same id and body gets the first answer and is applied once; the same id with another body is a 409',
    }),
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    staffId: Type.Optional(Type.String({ minLength: 1, description: 'dispatch: who; omitted, the roster picks the least-loaded on-duty member' })),
    teamId: Type.Optional(Type.String({ minLength: 1, description: 'dispatch: from which team' })),
    to: Type.Optional(
      Type.Union([
        Type.Object({ kind: Type.Literal('team'), teamId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
        Type.Object({ kind: Type.Literal('department'), departmentId: Type.String({ minLength: 1 }) }, { additionalProperties: false }),
      ]),
    ),
  },
  { additionalProperties: false },
);

export function ticketRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/tickets',
    { schema: { tags: ['tickets'], summary: 'List and filter tickets, newest change first', querystring: ListQuery, response: { 200: Type.Object({ tickets: Type.Array(TicketSchema) }), 400: errorSchema } } },
    async (req) => {
      const q = req.query;
      const split = (v: string | undefined) => v?.split(',');
      const user = req.user!;
      // Staff see only what is dispatched to them, whatever they ask for.
      const staffId = user.role === 'staff' || q.mine === true ? user.staffId : q.staff;
      const tickets = ctx.store.listTickets({
        states: split(q.state),
        categories: split(q.category),
        priorities: split(q.priority),
        communityId: q.community,
        compoundId: q.compound,
        deviceId: q.device,
        staffId,
        limit: q.limit ?? 100,
        before: q.before,
      });
      const actor = actorOf(req, ctx.roster);
      return { tickets: tickets.filter((t) => mayView(t, actor)) };
    },
  );

  app.get<{ Params: Static<typeof TicketId> }>(
    '/api/tickets/:id',
    { schema: { tags: ['tickets'], summary: 'One ticket with its timeline and linked events', params: TicketId, response: { 200: Type.Object({ ticket: TicketSchema, timeline: Type.Array(TimelineEntrySchema), linkedEvents: Type.Array(LinkedEventSchema) }), 400: errorSchema, 403: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      const found = ctx.store.getTicket(req.params.id);
      if (!found) return sendError(reply, { code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${req.params.id}` });
      if (!mayView(found.ticket, actorOf(req, ctx.roster))) return forbidden(reply, `ticket ${req.params.id} is not dispatched to you`);
      return found;
    },
  );

  app.post<{ Params: Static<typeof ActionParams>; Body: Static<typeof ActionBody> }>(
    '/api/tickets/:id/:action',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Act on a ticket: acknowledge, dispatch, accept, arrive, resolve, close, cancel, reopen, transfer, comment, escalate',
        description: 'Staff may accept, arrive, resolve and comment on tickets dispatched to them; the desk may do everything. A repeat of an actionId answers as the first time did (header idempotent-replayed: true).',
        params: ActionParams,
        body: ActionBody,
        response: { 200: Type.Object({ ticket: TicketSchema, entries: Type.Array(TimelineEntrySchema) }), 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const actor = actorOf(req, ctx.roster);
      const { actionId, ...body } = req.body;
      // What makes a repeat the same request: who, on what, which action, with what.
      const request = { ticketId: req.params.id, action: req.params.action, actorId: actor.id, body };
      const seen = ctx.actions.lookup(actionId, request);
      if (seen.kind === 'reused') {
        return sendError(reply, { code: 'OC_API_ACTION_ID_REUSED', field: 'body.actionId', message: `actionId ${actionId} was already used for a different request; send a new id` });
      }
      if (seen.kind === 'repeat') return reply.status(seen.answer.status).header('idempotent-replayed', 'true').send(seen.answer.body);
      const answer = act(ctx, req.params.id, req.params.action, req.body, actor);
      // Everything but a failure of ours is the answer for good; a 500 may go better on the retry.
      if (answer.status < 500) ctx.actions.record(actionId, request, answer);
      return reply.status(answer.status).send(answer.body);
    },
  );
}

const answerOf = (error: ApiErrorBody): RecordedAnswer => ({ status: API_ERRORS[error.code], body: error });

/** One action, as an answer to record: synchronous from the read to the commit, so two retries racing cannot both apply. */
function act(ctx: ApiContext, ticketId: string, action: CommandType, body: Static<typeof ActionBody>, actor: Actor): RecordedAnswer {
  const found = ctx.store.getTicket(ticketId);
  if (!found) return answerOf({ code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${ticketId}` });
  if (!mayView(found.ticket, actor)) return answerOf({ code: 'OC_API_FORBIDDEN', message: `ticket ${ticketId} is not dispatched to you` });
  const command = toCommand(action, body, actor);
  if ('field' in command) return answerOf({ code: 'OC_API_INVALID_REQUEST', ...command });
  const unknown = unknownReference(ctx, command);
  if (unknown) return answerOf({ code: 'OC_API_INVALID_REQUEST', ...unknown });
  const result = ctx.service.command(ticketId, command);
  if (!result.ok) return answerOf(domainError(result.error));
  return { status: 200, body: { ticket: result.ticket, entries: result.entries } };
}

const BODY_FIELDS = ['note', 'staffId', 'teamId', 'to'];

/**
 * A refusal of the ticket domain as the API says it: a 409 carries the state the ticket is in,
 * and a malformed command (the domain names the field first: "note: required to cancel")
 * names the request's field, as the schema's 400s do.
 */
function domainError(e: { code: ApiErrorBody['code']; message: string; currentState?: string | undefined }): ApiErrorBody {
  const named = e.code === 'OC_TICKET_INVALID_COMMAND' ? /^([\w.]+):/.exec(e.message)?.[1] : undefined;
  const field = named !== undefined && BODY_FIELDS.includes(named.split('.')[0]!) ? `body.${named}` : undefined;
  return { code: e.code, message: e.message, ...(field ? { field } : {}), ...(e.currentState ? { currentState: e.currentState } : {}) };
}

/** The ticket domain trusts ids it is given; the roster is checked here, at the edge. */
function unknownReference(ctx: ApiContext, command: Command): { field: string; message: string } | undefined {
  if (command.type === 'dispatch') {
    if (command.staffId !== undefined && !ctx.planner.staff(command.staffId)) return { field: 'body.staffId', message: `body.staffId: ${command.staffId} is not on the roster` };
    if (command.teamId !== undefined && !ctx.planner.team(command.teamId)) return { field: 'body.teamId', message: `body.teamId: no team ${command.teamId}` };
  }
  if (command.type === 'transfer') {
    const to = command.to;
    if (to.kind === 'team' && !ctx.planner.team(to.teamId)) return { field: 'body.to.teamId', message: `body.to.teamId: no team ${to.teamId}` };
    if (to.kind === 'department' && !ctx.planner.department(to.departmentId)) {
      return { field: 'body.to.departmentId', message: `body.to.departmentId: no partner department ${to.departmentId}` };
    }
  }
  return undefined;
}

function toCommand(action: CommandType, body: Static<typeof ActionBody>, actor: Command['actor']): Command | { field: string; message: string } {
  // The action id doubles as the domain's command id: should the answer above be lost (a crash between
  // the ticket's commit and ours), the ticket itself still recognises the retry.
  const common = { actor, commandId: body.actionId, ...(body.note !== undefined ? { note: body.note } : {}) };
  switch (action) {
    case 'dispatch':
      return { type: 'dispatch', ...common, ...(body.staffId ? { staffId: body.staffId } : {}), ...(body.teamId ? { teamId: body.teamId } : {}) };
    case 'transfer':
      if (!body.to) return { field: 'body.to', message: 'body.to is required for a transfer: { kind: team, teamId } or { kind: department, departmentId }' };
      return { type: 'transfer', ...common, to: body.to };
    default:
      return { type: action, ...common } as Command;
  }
}
