import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { AdminContext } from '../admin-context.ts';
import { errorSchema } from '../api-errors.ts';
import { changedBy } from './admin-devices.ts';

const KeyBody = Type.Object({ buildingId: Type.String({ minLength: 1, maxLength: 64 }) }, { additionalProperties: false });
const ClaimBody = Type.Object(
  {
    key: Type.String({ minLength: 1, maxLength: 200, description: 'the building’s provisioning key, as issued' }),
    deviceId: Type.String({ minLength: 1, maxLength: 64 }),
    kind: Type.String({ minLength: 1, maxLength: 32 }),
    placeId: Type.String({ minLength: 1, maxLength: 64, description: 'a unit entrance of the key’s building' }),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
  },
  { additionalProperties: false },
);

/** Zero-touch provisioning: keys per building (admin), and the device's one claim with one (public: the key is the credential). */
export function provisioningRoutes(app: FastifyInstance, admin: AdminContext): void {
  app.post<{ Body: Static<typeof KeyBody> }>(
    '/api/provisioning-keys',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: 'Issue a one-time provisioning key for a building',
        body: KeyBody,
        response: { 201: Type.Object({ keyId: Type.String(), buildingId: Type.String(), key: Type.String({ description: 'shown this once' }), version: Type.Integer() }), 400: errorSchema },
      },
    },
    async (req, reply) => reply.status(201).send(admin.keys.issue(req.body.buildingId, changedBy(req))),
  );

  app.post<{ Body: Static<typeof ClaimBody> }>(
    '/api/provision',
    {
      config: { access: 'public' },
      schema: {
        tags: ['admin'],
        summary: 'A device claims its own credentials with its building’s key; the key is spent by it',
        body: ClaimBody,
        response: { 201: Type.Object({ deviceId: Type.String(), secret: Type.String(), version: Type.Integer() }), 400: errorSchema, 403: errorSchema, 409: errorSchema, 410: errorSchema },
      },
    },
    async (req, reply) => {
      const { key, ...device } = req.body;
      const issued = admin.keys.claim(key, device, { address: req.ip });
      await admin.applied('device', issued.deviceId, issued.version);
      return reply.status(201).send(issued);
    },
  );
}
