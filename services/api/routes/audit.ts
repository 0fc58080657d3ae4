import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { CONFIG_KINDS } from '../../config-store/port.ts';
import type { AdminContext } from '../admin-context.ts';

const Query = Type.Object(
  {
    kind: Type.Optional(Type.Union(CONFIG_KINDS.map((k) => Type.Literal(k)))),
    id: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    actor: Type.Optional(Type.String({ minLength: 1, maxLength: 100, description: 'a login, or system:seed, or device:{id} for a provisioning claim' })),
    since: Type.Optional(Type.String({ format: 'date-time' })),
    before: Type.Optional(Type.Integer({ minimum: 1, description: 'entries older than this seq (paging)' })),
    limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 100 })),
  },
  { additionalProperties: false },
);
const Entry = Type.Object({
  seq: Type.Integer(),
  at: Type.Integer({ description: 'ms since the epoch' }),
  actor: Type.String(),
  address: Type.Union([Type.String(), Type.Null()]),
  kind: Type.String(),
  id: Type.String(),
  version: Type.Integer(),
  op: Type.String({ enum: ['create', 'update', 'delete'] }),
  before: Type.Unknown({ description: 'the value before, secrets shown as [redacted]' }),
  after: Type.Unknown(),
});

/** The append-only record of every configuration change, newest first (issue 17); admin only. */
export function auditRoutes(app: FastifyInstance, admin: AdminContext): void {
  app.get<{ Querystring: Static<typeof Query> }>(
    '/api/audit',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Configuration changes: who, when, from where, before and after', querystring: Query, response: { 200: Type.Object({ entries: Type.Array(Entry) }) } } },
    async (req) => {
      const q = req.query;
      return {
        entries: admin.store.audit({
          ...(q.kind ? { kind: q.kind } : {}),
          ...(q.id ? { id: q.id } : {}),
          ...(q.actor ? { actor: q.actor } : {}),
          ...(q.since ? { since: Date.parse(q.since) } : {}),
          ...(q.before ? { beforeSeq: q.before } : {}),
          limit: q.limit ?? 100,
        }),
      };
    },
  );
}
