import { randomUUID } from 'node:crypto';
import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';
import { errorSchema, sendError } from '../api-errors.ts';
import { actorOf } from '../auth/request-auth.ts';

/** A person's push subscriptions, as the notifier keeps them (issue 15); in `npm start` its store in the same process. */
export interface PushDevices {
  /** The VAPID public key browsers subscribe with. */
  readonly vapidPublicKey: string;
  add(s: { id: string; staffId: string; endpoint: string; keys: { p256dh: string; auth: string }; label: string; lang?: 'zh' | 'en' | undefined; createdAt: number }): void;
  list(staffId: string): { id: string; label: string; createdAt: number; lastError?: string | undefined }[];
  remove(staffId: string, id: string): boolean;
  /** The person switched the page's language: that device's notifications come in it from now on. False if not theirs. */
  setLang(staffId: string, id: string, lang: 'zh' | 'en'): boolean;
  /**
   * The person did something with a push notification they were sent: a receipt goes
   * out on `oc.notifications` like every other. False when no push delivery of that id
   * was made to this person (someone else's, or made up).
   */
  recordInteraction(staffId: string, deliveryId: string, status: PushInteraction): boolean;
}

/** What a person did with a notification: opened it (tapped it or Open) or accepted the dispatch from it. */
export const PUSH_INTERACTIONS = ['clicked', 'accepted'] as const;
export type PushInteraction = (typeof PUSH_INTERACTIONS)[number];

const Lang = Type.Union([Type.Literal('zh'), Type.Literal('en')]);
const b64url = Type.String({ pattern: '^[A-Za-z0-9_-]+={0,2}$', minLength: 16, maxLength: 200 });
const SubscribeBody = Type.Object(
  { endpoint: Type.String({ pattern: '^https://', maxLength: 1000 }), keys: Type.Object({ p256dh: b64url, auth: b64url }, { additionalProperties: false }), label: Type.Optional(Type.String({ maxLength: 80 })), lang: Type.Optional(Lang) },
  { additionalProperties: true },
);
const ReceiptBody = Type.Object(
  { deliveryId: Type.String({ minLength: 1, maxLength: 400 }), status: Type.Union(PUSH_INTERACTIONS.map((x) => Type.Literal(x))) },
  { additionalProperties: false },
);
const Device = Type.Object({ id: Type.String(), label: Type.String(), createdAt: Type.Number(), lastError: Type.Optional(Type.String()) });

/** Subscribe this browser, list one's own devices, revoke one. Endpoints and keys are never answered back. */
export function pushDeviceRoutes(app: FastifyInstance, ctx: ApiContext, devices: PushDevices): void {
  app.get('/api/push/key', { schema: { tags: ['session'], summary: 'The VAPID public key to subscribe with', response: { 200: Type.Object({ publicKey: Type.String() }) } } }, async () => ({ publicKey: devices.vapidPublicKey }));

  app.get('/api/push/subscriptions', { schema: { tags: ['session'], summary: 'The signed-in person’s devices that receive notifications', response: { 200: Type.Object({ devices: Type.Array(Device) }) } } }, async (req) => ({
    devices: devices.list(actorOf(req, ctx.roster).id).map((d) => ({ id: d.id, label: d.label, createdAt: d.createdAt, ...(d.lastError ? { lastError: d.lastError } : {}) })),
  }));

  app.post<{ Body: Static<typeof SubscribeBody> }>(
    '/api/push/subscriptions',
    { schema: { tags: ['session'], summary: 'Turn on notifications for this browser (its PushSubscription as JSON)', body: SubscribeBody, response: { 201: Device, 400: errorSchema } } },
    async (req, reply) => {
      const staffId = actorOf(req, ctx.roster).id;
      const device = { id: randomUUID(), staffId, endpoint: req.body.endpoint, keys: req.body.keys, label: req.body.label ?? String(req.headers['user-agent'] ?? 'browser').slice(0, 80), lang: req.body.lang, createdAt: ctx.clock.now() };
      devices.add(device);
      return reply.code(201).send({ id: device.id, label: device.label, createdAt: device.createdAt });
    },
  );

  app.post<{ Body: Static<typeof ReceiptBody> }>(
    '/api/push/receipts',
    {
      schema: {
        tags: ['session'],
        summary: 'The service worker reports what the person did with a notification (opened it, accepted from it); it joins the ticket’s delivery receipts',
        body: ReceiptBody,
        response: { 202: Type.Object({ recorded: Type.Literal(true) }), 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      if (!devices.recordInteraction(actorOf(req, ctx.roster).id, req.body.deliveryId, req.body.status)) {
        return sendError(reply, { code: 'OC_API_NOT_FOUND', field: 'body.deliveryId', message: 'no push notification of that id was sent to you' });
      }
      return reply.code(202).send({ recorded: true });
    },
  );

  app.put<{ Params: { id: string }; Body: { lang: 'zh' | 'en' } }>(
    '/api/push/subscriptions/:id',
    {
      schema: {
        tags: ['session'],
        summary: 'Change the language one of one’s own devices gets its notifications in',
        params: Type.Object({ id: Type.String({ maxLength: 64 }) }),
        body: Type.Object({ lang: Lang }, { additionalProperties: false }),
        response: { 204: Type.Null(), 400: errorSchema, 404: errorSchema },
      },
    },
    async (req, reply) => {
      if (!devices.setLang(actorOf(req, ctx.roster).id, req.params.id, req.body.lang)) return sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no device ${req.params.id} of yours` });
      return reply.code(204).send(null);
    },
  );

  app.delete<{ Params: { id: string } }>(
    '/api/push/subscriptions/:id',
    { schema: { tags: ['session'], summary: 'Revoke one of one’s own devices', params: Type.Object({ id: Type.String({ maxLength: 64 }) }), response: { 204: Type.Null(), 404: errorSchema } } },
    async (req, reply) => {
      if (!devices.remove(actorOf(req, ctx.roster).id, req.params.id)) return sendError(reply, { code: 'OC_API_NOT_FOUND', message: `no device ${req.params.id} of yours` });
      return reply.code(204).send(null);
    },
  );
}
