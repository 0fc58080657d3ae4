import type { FastifyInstance } from 'fastify';
import { mayView, withdrawnFrom, type Ticket, type TimelineEntry } from '../../alerting/domain/tickets/index.ts';
import type { ApiContext } from '../api-context.ts';
import { actorOf } from '../auth/request-auth.ts';
import type { LiveStream, StreamEvent, StreamViewer } from '../live-stream.ts';

export function streamRoutes(app: FastifyInstance, ctx: ApiContext, live: LiveStream): void {
  app.get(
    '/api/stream',
    {
      schema: {
        tags: ['live'],
        summary: 'Server-sent events: `ticket` ({ ticket, entries }), `alert` (an alert as GET /api/alerts has it) and `device` (status) as they change',
        description: 'Staff receive only `ticket` events of tickets dispatched to them, and `ticket-withdrawn` ({ ticketId }) when one is taken away from them.',
      },
    },
    (req, reply) => {
      const actor = actorOf(req, ctx.roster);
      const sessionId = req.sessionId!;
      const viewer: StreamViewer = {
        view: req.user!.role === 'staff' ? staffView(actor) : (e) => e,
        sessionId,
        stillValid: () => ctx.auth.sessions.lookupById(sessionId).kind === 'active',
      };
      reply.hijack();
      live.add(reply.raw, viewer);
    },
  );
}

/** A staff member's phone: their own tickets, word of one taken away, no device chatter. */
function staffView(actor: ReturnType<typeof actorOf>): StreamViewer['view'] {
  return (e: StreamEvent) => {
    if (e.event !== 'ticket') return undefined;
    const { ticket, entries } = e.data as { ticket: Ticket; entries: TimelineEntry[] };
    if (mayView(ticket, actor)) return e;
    if (withdrawnFrom(entries).includes(actor.id)) return { event: 'ticket-withdrawn', data: { ticketId: ticket.id } };
    return undefined;
  };
}
