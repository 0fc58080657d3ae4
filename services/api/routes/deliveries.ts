import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import { mayView } from '../../alerting/domain/tickets/index.ts';
import type { PersonChannelState, ReceiptReader } from '../../alerting/receipts/receipt-book.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';
import { actorOf, forbidden } from '../auth/request-auth.ts';
import type { LiveStream } from '../live-stream.ts';

const anyObject = Type.Object({}, { additionalProperties: true });

/**
 * What the notifier did for a ticket (from its receipts on `oc.notifications`), per
 * person and channel, and which people on shift have no working channel. Contact
 * details and secrets are not in receipts, so none can leak from here.
 */
export function deliveryRoutes(app: FastifyInstance, ctx: ApiContext, receipts: ReceiptReader, live: LiveStream): void {
  app.get<{ Params: { id: string } }>(
    '/api/tickets/:id/deliveries',
    {
      schema: {
        tags: ['tickets'],
        summary: 'Per person and channel, what was sent for the ticket and what became of it: delivered, failed (with the reason, retried), given up, clicked, accepted',
        params: Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) }),
        response: { 200: Type.Object({ deliveries: Type.Array(anyObject) }), 403: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      const found = ctx.store.getTicket(req.params.id);
      if (!found) return sendError(reply, { code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${req.params.id}` });
      if (!mayView(found.ticket, actorOf(req, ctx.roster))) return forbidden(reply, `ticket ${req.params.id} is not dispatched to you`);
      return { deliveries: receipts.forTicket(req.params.id) };
    },
  );

  app.get(
    '/api/shift/reachability',
    {
      config: { access: 'desk' },
      schema: { tags: ['roster'], summary: 'Who on shift now can be reached: the last delivery per channel of each person, and a warning for anyone with none that worked', response: { 200: Type.Object({ people: Type.Array(anyObject) }) } },
    },
    async () => {
      const now = ctx.clock.now();
      const people = ctx.planner.onDuty(now).map((m) => {
        const channels = receipts.personChannels(m.id);
        const devices = ctx.pushDevices?.list(m.id).length ?? 0;
        return { staffId: m.id, name: m.name, role: m.role, channels, pushDevices: devices, warning: reachabilityWarning(channels, devices) };
      });
      return { people };
    },
  );

  const onReceipt = (r: unknown) => live.broadcast('delivery', r);
  receipts.changes.on('receipt', onReceipt);
  app.addHook('preClose', async () => void receipts.changes.off('receipt', onReceipt));
}

/**
 * Whether someone on shift can be reached, before a night needs it: a channel whose last
 * delivery worked, or a phone that turned notifications on and has not failed yet, is
 * enough. "Nobody could be reached" receipts (channel `none`) are not a channel.
 */
export function reachabilityWarning(channels: readonly PersonChannelState[], pushDevices: number): 'no-channel' | 'last-delivery-failed' | null {
  const real = channels.filter((c) => c.channel !== 'none');
  if (real.some((c) => c.status === 'delivered' || c.status === 'clicked' || c.status === 'accepted')) return null;
  if (real.length > 0) return 'last-delivery-failed';
  return pushDevices > 0 ? null : 'no-channel';
}
