import { Type } from '@sinclair/typebox';
import type { FastifyInstance } from 'fastify';
import type { ApiContext } from '../api-context.ts';

const anyObject = Type.Object({}, { additionalProperties: true });
const Bilingual = Type.Object({ zh: Type.String(), en: Type.String() });
const deviceSchema = Type.Object(
  {
    id: Type.String(),
    kind: Type.String({ enum: ['door', 'camera', 'drain'] }),
    communityId: Type.String(),
    compoundId: Type.String(),
    buildingId: Type.Optional(Type.String({ description: 'for unit-entrance devices' })),
    placeId: Type.String(),
    placeType: Type.String(),
    name: Bilingual,
    status: Type.Object(
      {
        deviceId: Type.String(),
        state: Type.String({ enum: ['online', 'offline', 'unknown'] }),
        since: Type.Union([Type.Integer(), Type.Null()], { description: 'ms since the epoch it entered this state; null if never heard' }),
        lastSeen: Type.Optional(Type.Union([Type.Integer(), Type.Null()], { description: 'ms since the epoch anything was last heard from it' })),
        source: Type.String({ description: 'what said so, e.g. connect, disconnect, connection-lost (a power or network cut), will, keepalive-timeout, message; never heard' }),
        clockSkewMs: Type.Optional(Type.Integer({ description: 'present while the device clock is off beyond the tolerance: its time minus the receive time, ms' })),
      },
      { additionalProperties: true },
    ),
    openTickets: Type.Integer(),
  },
  { additionalProperties: true },
);

export function deviceRoutes(app: FastifyInstance, ctx: ApiContext): void {
  app.get(
    '/api/devices',
    { schema: { tags: ['devices'], summary: 'Every device of the site with its live status and open tickets', response: { 200: Type.Object({ devices: Type.Array(deviceSchema) }) } } },
    async () => {
      const statuses = new Map(ctx.store.deviceStatuses().map((s) => [s.deviceId, s]));
      const open = new Map<string, number>();
      for (const t of ctx.store.listTickets({ states: ['open', 'acknowledged', 'dispatched', 'on_site'], limit: 500 })) {
        if (t.subject.deviceId) open.set(t.subject.deviceId, (open.get(t.subject.deviceId) ?? 0) + 1);
      }
      return {
        devices: ctx.devices.map((d) => ({
          ...d,
          status: statuses.get(d.id) ?? { deviceId: d.id, state: 'unknown', since: null, lastSeen: null, source: 'never heard' },
          openTickets: open.get(d.id) ?? 0,
        })),
      };
    },
  );

  app.get('/api/site', { schema: { tags: ['devices'], summary: 'The site config: places and plan', response: { 200: anyObject } } }, async () => ctx.site);
}
