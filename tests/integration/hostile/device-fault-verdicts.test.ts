import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { MqttClient } from 'mqtt';
import { createAlerting, type Alerting } from '../../../services/alerting/compose.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { listDevices } from '../../../services/site/devices.ts';
import { loadSite } from '../../../services/site/load.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { pollUntil } from '../../support/poll-until.ts';

const devices = listDevices(loadSite());
const door = devices.find((d) => d.kind === 'door')!;
const drain = devices.find((d) => d.kind === 'drain')!;

describe('what the gateway finds wrong with a device becomes a device-fault ticket for the IoT team', () => {
  let gw: GatewayHarness;
  let alerting: Alerting;
  beforeAll(async () => {
    gw = await GatewayHarness.start({ devices: devices.map((d) => ({ id: d.id, kind: d.kind })) });
    alerting = await createAlerting({ log: gw.rawLog, devices, storePath: join(gw.dir, 'alerting.db'), clock: new ManualClock(Date.now()), logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL' });
  });
  afterAll(async () => {
    await alerting.runtime.close();
    await gw.close();
  });
  const faultTicket = (deviceId: string, what: string) =>
    pollUntil(`a device-fault ticket for ${deviceId}: ${what}`, () =>
      alerting.store.listTickets({ limit: 100 }).find((t) => t.alertType === 'device.fault' && t.subject.deviceId === deviceId && t.title.en.includes(what)),
    );

  it('a cloned device (two connections fighting over its client id)', async () => {
    let live: MqttClient | undefined;
    for (let i = 0; i < 5; i++) {
      live = await gw.connect(door.id).catch(() => live);
    }
    const ticket = await faultTicket(door.id, 'two connections fight over its client id');
    expect(ticket).toMatchObject({ category: 'device-fault', route: { teamId: 'iot' } });
  });

  it('a device that keeps sending junk', { timeout: 30_000 }, async () => {
    const c = await gw.connect(drain.id);
    for (let i = 0; i < 60; i++) await c.publishAsync(`oc/v1/${drain.id}/event`, Buffer.alloc(20_000, 0x7b), { qos: 1 });
    const ticket = await faultTicket(drain.id, 'keeps sending messages that cannot be processed');
    expect(ticket).toMatchObject({ route: { teamId: 'iot' } });
  });
});
