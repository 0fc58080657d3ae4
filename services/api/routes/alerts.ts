import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { ALERT_STATES } from '../../alerting/domain/alerts/alert.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { AlertSchema } from './ticket-schema.ts';

const AlertQuery = Type.Object(
  {
    state: Type.Optional(Type.Unsafe<'firing' | 'resolved'>({ type: 'string', enum: [...ALERT_STATES], description: 'firing or resolved' })),
    compound: Type.Optional(Type.String({ minLength: 1 })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);

/** Alerts are signals, tickets are work (issue 14): the desk's live strip reads these. */
export function alertRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get<{ Querystring: Static<typeof AlertQuery> }>(
    '/api/alerts',
    {
      config: { access: 'desk' },
      schema: {
        tags: ['alerts'],
        summary: 'Alerts (signals the rules fired), newest change first, with what became of each: a ticket, a line of a grouped incident, evidence, or nothing',
        querystring: AlertQuery,
        response: { 200: Type.Object({ alerts: Type.Array(AlertSchema) }), 400: errorSchema, 403: errorSchema },
      },
    },
    async (req) => {
      const q = req.query;
      return { alerts: ctx.store.listAlerts({ ...(q.state ? { states: [q.state] } : {}), ...(q.compound ? { compoundId: q.compound } : {}), limit: q.limit ?? 100 }) };
    },
  );
}
