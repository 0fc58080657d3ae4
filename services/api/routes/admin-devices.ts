import { Type, type Static } from '@sinclair/typebox';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import type { DeviceItem } from '../../config-store/items.ts';
import type { ConfigItem } from '../../config-store/port.ts';
import { DEVICE_KINDS } from '../../shared/envelope.ts';
import { IMPORT_COLUMNS, importDevices } from '../../admin/device-import.ts';
import type { AdminContext } from '../admin-context.ts';
import type { ApiContext } from '../api-context.ts';
import { errorSchema } from '../api-errors.ts';

const Bilingual = Type.Object({ zh: Type.String({ minLength: 1, maxLength: 100 }), en: Type.String({ minLength: 1, maxLength: 100 }) }, { additionalProperties: false });
const Settings = Type.Record(Type.String({ pattern: '^[A-Za-z][A-Za-z0-9]{0,63}$' }), Type.Union([Type.String({ maxLength: 200 }), Type.Number(), Type.Boolean()]), {
  description: 'what the device is told in its retained config, over the kind’s defaults (e.g. heartbeatIntervalS, samplingIntervalS, heldOpenAfterS)',
  maxProperties: 32,
});
const DeviceId = Type.String({ minLength: 1, maxLength: 64, description: '3..64 lower-case letters, digits and dashes, unique across the subdistrict' });
const NewDevice = Type.Object(
  {
    deviceId: DeviceId,
    kind: Type.String({ minLength: 1, maxLength: 32, description: `one of ${DEVICE_KINDS.join(', ')}` }),
    placeId: Type.String({ minLength: 1, maxLength: 64, description: 'a unit entrance or a public point (a drain sensor: a manhole)' }),
    name: Type.Optional(Bilingual),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false },
);
const Patch = Type.Object(
  {
    version: Type.Integer({ minimum: 1, description: 'the version you read; another edit since then answers 409 with the current version' }),
    placeId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    name: Type.Optional(Bilingual),
    model: Type.Optional(Type.String({ minLength: 1, maxLength: 100 })),
    settings: Type.Optional(Settings),
  },
  { additionalProperties: false },
);
const IdParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
const Secret = Type.Object({
  deviceId: Type.String(),
  secret: Type.String({ description: 'shown this once: the platform keeps only its hash' }),
  version: Type.Integer(),
});
const AdminDevice = Type.Object({
  deviceId: Type.String(),
  version: Type.Integer(),
  kind: Type.String(),
  placeId: Type.String(),
  name: Type.Optional(Bilingual),
  model: Type.Optional(Type.String()),
  settings: Type.Record(Type.String(), Type.Unknown()),
  state: Type.String({ enum: ['active', 'revoked'] }),
  secretRotation: Type.Integer({ description: 'how many times its secret was rotated' }),
  status: Type.String({ enum: ['online', 'offline', 'unknown'], description: 'as the alerting service last heard' }),
  updatedAt: Type.Integer(),
  updatedBy: Type.String(),
});
const ImportReport = Type.Object({
  created: Type.Array(Type.Composite([Secret, Type.Object({ row: Type.Integer() })])),
  refused: Type.Array(Type.Object({ row: Type.Integer({ description: 'as a spreadsheet numbers it: the header is row 1' }), deviceId: Type.String(), code: Type.String(), message: Type.String() })),
});

/** Who made a change, from where: the audit's columns. */
export const changedBy = (req: FastifyRequest) => ({ actor: req.user?.login ?? 'unknown', address: req.ip });

/** Devices added, changed, rotated and revoked while the system runs (issue 17); admin only. */
export function adminDeviceRoutes(app: FastifyInstance, ctx: ApiContext, admin: AdminContext): void {
  const statuses = () => new Map(ctx.store.deviceStatuses().map((s) => [s.deviceId, s.state]));
  // Never the hash; the listing order is the store's business.
  const view = (item: ConfigItem<DeviceItem>, status = statuses()) => {
    const { secretHash: _hidden, order: _order, ...rest } = item.value;
    return { deviceId: item.id, version: item.version, ...rest, status: item.value.state === 'revoked' ? 'offline' : (status.get(item.id) ?? 'unknown'), updatedAt: item.updatedAt, updatedBy: item.updatedBy };
  };

  // A spreadsheet's export; the import route alone takes it.
  app.addContentTypeParser('text/csv', { parseAs: 'string', bodyLimit: 2 * 1024 * 1024 }, (_req, body, done) => done(null, body));

  app.get('/api/admin/devices', { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Every device of the config store, revoked ones too, with its version and live state', response: { 200: Type.Object({ devices: Type.Array(AdminDevice) }) } } }, async () => {
    const status = statuses();
    return { devices: admin.devices.list().map((item) => view(item, status)) };
  });

  app.post<{ Body: Static<typeof NewDevice> }>(
    '/api/devices',
    {
      config: { access: 'admin' },
      schema: { tags: ['admin'], summary: 'Add a device to a place; it may connect with the secret at once', body: NewDevice, response: { 201: Secret, 400: errorSchema, 409: errorSchema } },
    },
    async (req, reply) => {
      const issued = admin.devices.create(req.body, changedBy(req));
      await admin.applied('device', issued.deviceId, issued.version);
      return reply.status(201).send(issued);
    },
  );

  app.patch<{ Params: Static<typeof IdParams>; Body: Static<typeof Patch> }>(
    '/api/devices/:id',
    {
      config: { access: 'admin' },
      schema: { tags: ['admin'], summary: 'Change a device’s place, name, model or settings; the device gets them as its retained config', params: IdParams, body: Patch, response: { 200: AdminDevice, 404: errorSchema, 409: errorSchema } },
    },
    async (req) => {
      const item = admin.devices.patch(req.params.id, req.body, changedBy(req));
      await admin.applied('device', item.id, item.version);
      return view(item);
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/devices/:id/rotate',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'A new secret: the old one stops at once and the live session is closed', params: IdParams, response: { 200: Secret, 404: errorSchema, 409: errorSchema } } },
    async (req) => {
      const issued = admin.devices.rotate(req.params.id, changedBy(req));
      await admin.applied('device', issued.deviceId, issued.version);
      return issued;
    },
  );

  app.post<{ Params: Static<typeof IdParams> }>(
    '/api/devices/:id/revoke',
    { config: { access: 'admin' }, schema: { tags: ['admin'], summary: 'Revoke a device for good: its session is closed and it cannot connect again', params: IdParams, response: { 200: AdminDevice, 404: errorSchema } } },
    async (req) => {
      const item = admin.devices.revoke(req.params.id, changedBy(req));
      await admin.applied('device', item.id, item.version);
      return view(item);
    },
  );

  app.post<{ Body: string }>(
    '/api/devices/import',
    {
      config: { access: 'admin' },
      schema: {
        tags: ['admin'],
        summary: `Add the devices of a CSV (text/csv; columns ${IMPORT_COLUMNS.join(', ')}); each row is added or refused with its code`,
        body: Type.String({ description: 'the CSV file, header row first' }),
        response: { 200: ImportReport, 400: errorSchema },
      },
    },
    async (req) => {
      const report = importDevices(admin.devices, req.body, changedBy(req));
      await Promise.all(report.created.map((c) => admin.applied('device', c.deviceId, c.version)));
      return report;
    },
  );
}
