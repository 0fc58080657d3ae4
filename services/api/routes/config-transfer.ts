/**
 * The whole configuration out and in (issue 17): GET the YAML export (the fixture files'
 * shapes, one section each), POST it back. An import is all or nothing, checked like the
 * files first; it writes only what differs, each item at the version it had when read, so a
 * change made meanwhile makes the import answer 409 instead of undoing that change.
 */
import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { bundleToYaml, exportBundle, importChanges, parseBundle } from '../../admin/config-bundle.ts';
import { OcError } from '../../shared/errors.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';
import { changeOf, type ConfigAdminParts } from './admin-parts.ts';

const ImportAnswer = Type.Object({ changed: Type.Integer({ description: 'items written or removed' }), byKind: Type.Record(Type.String(), Type.Integer()) });

export function configTransferRoutes(app: FastifyInstance, _ctx: ApiContext, admin: ConfigAdminParts): void {
  app.addContentTypeParser(['application/yaml', 'text/yaml'], { parseAs: 'string', bodyLimit: 8 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get(
    '/api/config/export',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'The whole configuration as YAML: site, roster, rules, tickets (SLA) and users sections, each the shape of its fixture file; no secret in clear', response: { 200: { type: 'string', description: 'YAML' } } } },
    async (_req, reply) => {
      reply.header('content-type', 'application/yaml; charset=utf-8').header('content-disposition', 'attachment; filename="opencompound-config.yaml"');
      return bundleToYaml(exportBundle((kind) => admin.store.list(kind)));
    },
  );

  app.post<{ Body: string }>(
    '/api/config/import',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Replace the configuration with a YAML export (application/yaml); all or nothing',
        body: { type: 'string', minLength: 1 },
        response: { 200: ImportAnswer, 400: errorSchema, 409: errorSchema, 415: errorSchema },
      },
    },
    async (req) => {
      if (typeof req.body !== 'string') throw new OcError('OC_CONFIG_IMPORT_INVALID', 'send the YAML as application/yaml', { field: 'body' });
      const bundle = parseBundle(req.body);
      const changes = importChanges(bundle, (kind) => admin.store.list(kind), (kind, id) => admin.store.versionOf(kind, id));
      const done = changes.length > 0 ? admin.store.apply(changes, changeOf(req)) : [];
      // Wait for the parts people act on at once: the roster (who is dispatched) and the rules.
      for (const item of done) if (item.kind === 'roster' || item.kind === 'rules') await admin.applied(item.kind, item.id, item.version);
      const byKind: Record<string, number> = {};
      for (const c of changes) byKind[c.kind] = (byKind[c.kind] ?? 0) + 1;
      return { changed: changes.length, byKind };
    },
  );
}
