import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { COMMAND_TYPES, TICKET_STATES, type Command, type CommandType } from '../../alerting/domain/tickets/index.ts';
import { CATEGORIES, PRIORITIES } from '../../alerting/domain/model.ts';
import { actorFrom, ACTOR_HEADER, type ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';

const csvOf = (values: readonly string[]) => Type.String({ pattern: `^(${values.join('|')})(,(${values.join('|')}))*$`, description: `comma-separated: ${values.join(', ')}` });

const ListQuery = Type.Object(
  {
    state: Type.Optional(csvOf(TICKET_STATES)),
    category: Type.Optional(csvOf(CATEGORIES)),
    priority: Type.Optional(csvOf(PRIORITIES)),
    community: Type.Optional(Type.String({ minLength: 1 })),
    compound: Type.Optional(Type.String({ minLength: 1 })),
    device: Type.Optional(Type.String({ minLength: 1 })),
    staff: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
    before: Type.Optional(Type.Integer({ minimum: 0, description: 'only tickets updated before this time (epoch ms), for paging' })),
  },
  { additionalProperties: false },
);

const TicketId = Type.Object({ id: Type.String({ pattern: '^T\\d{8}-\\d{4,}$' }) });
const ActionParams = Type.Object({ id: TicketId.properties.id, action: Type.Union(COMMAND_TYPES.map((c) => Type.Literal(c))) });
const ActionBody = Type.Object(
  {
    note: Type.Optional(Type.String({ minLength: 1, maxLength: 2000 })),
    commandId: Type.Optional(Type.String({ minLength: 8, maxLength: 100, description: 'retries with the same id are applied once' })),
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
const ActorHeaders = Type.Object({ [ACTOR_HEADER]: Type.String({ minLength: 1, description: 'staff id of the person acting (sign-in comes with issue 5)' }) });

const anyObject = Type.Object({}, { additionalProperties: true });

export function ticketRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof ListQuery> }>(
    '/api/tickets',
    { schema: { tags: ['tickets'], summary: 'List and filter tickets, newest change first', querystring: ListQuery, response: { 200: Type.Object({ tickets: Type.Array(anyObject) }), 400: errorSchema } } },
    async (req) => {
      const q = req.query;
      const split = (v: string | undefined) => v?.split(',');
      const tickets = ctx.store.listTickets({
        states: split(q.state),
        categories: split(q.category),
        priorities: split(q.priority),
        communityId: q.community,
        compoundId: q.compound,
        deviceId: q.device,
        staffId: q.staff,
        limit: q.limit ?? 100,
        before: q.before,
      });
      return { tickets };
    },
  );

  app.get<{ Params: Static<typeof TicketId> }>(
    '/api/tickets/:id',
    { schema: { tags: ['tickets'], summary: 'One ticket with its timeline and linked events', params: TicketId, response: { 200: Type.Object({ ticket: anyObject, timeline: Type.Array(anyObject), linkedEvents: Type.Array(anyObject) }), 400: errorSchema, 404: errorSchema } } },
    async (req, reply) => {
      const found = ctx.store.getTicket(req.params.id);
      if (!found) return sendError(reply, { code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${req.params.id}` });
      return found;
    },
  );

  app.post<{ Params: Static<typeof ActionParams>; Body: Static<typeof ActionBody>; Headers: Static<typeof ActorHeaders> }>(
    '/api/tickets/:id/:action',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Act on a ticket: acknowledge, dispatch, accept, arrive, resolve, close, cancel, reopen, transfer, comment, escalate',
        params: ActionParams,
        body: ActionBody,
        headers: ActorHeaders,
        response: { 200: Type.Object({ ticket: anyObject, entries: Type.Array(anyObject) }), 400: errorSchema, 401: errorSchema, 403: errorSchema, 404: errorSchema, 409: errorSchema },
      },
    },
    async (req, reply) => {
      const actor = actorFrom(ctx, req.headers[ACTOR_HEADER]);
      if (!actor) return sendError(reply, { code: 'OC_API_UNKNOWN_ACTOR', field: `headers.${ACTOR_HEADER}`, message: `${ACTOR_HEADER} must name someone on the roster` });
      const command = toCommand(req.params.action, req.body, actor);
      const unknown = 'field' in command ? undefined : unknownReference(ctx, command);
      if (unknown) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', ...unknown });
      if ('field' in command) return sendError(reply, { code: 'OC_API_INVALID_REQUEST', ...command });
      const result = ctx.service.command(req.params.id, command);
      if (!result.ok) return sendError(reply, { code: result.error.code, message: result.error.message, currentState: result.error.currentState });
      return { ticket: result.ticket, entries: result.entries };
    },
  );
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
  const common = { actor, ...(body.note !== undefined ? { note: body.note } : {}), ...(body.commandId !== undefined ? { commandId: body.commandId } : {}) };
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
