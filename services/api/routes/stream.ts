import type { FastifyInstance } from 'fastify';
import type { LiveStream } from '../live-stream.ts';

export function streamRoutes(app: FastifyInstance, live: LiveStream): void {
  app.get(
    '/api/stream',
    { schema: { tags: ['live'], summary: 'Server-sent events: `ticket` ({ ticket, entries }) and `device` (status) as they change' } },
    (req, reply) => {
      reply.hijack();
      live.add(reply.raw);
    },
  );
}
