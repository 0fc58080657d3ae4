import { describe, expect, it } from 'vitest';
import { loadNotifierConfig } from '../../../services/notifier/config.ts';
import { PublicUrl } from '../../../services/notifier/public-url.ts';
import { notificationIntake } from '../../../services/notifier/notification-intake.ts';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { channelsFileSchema } from '../../../services/notifier/channels-file.ts';
import { SqliteDeliveryStore } from '../../../services/notifier/store/sqlite-delivery-store.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import type { LogRecord } from '../../../services/event-log/port.ts';

describe("the notifier's link base", () => {
  it('is OC_PUBLIC_URL when set, whatever port the API binds', async () => {
    const url = loadNotifierConfig('/tmp', 0, { OC_PUBLIC_URL: 'https://wuye.example.cn/' }).publicUrl;
    expect(url.known).toBe(true);
    url.bound(43_210);
    await url.ready();
    expect(url.get()).toBe('https://wuye.example.cn');
  });

  it('is the configured port when one is set', async () => {
    const url = loadNotifierConfig('/tmp', 8080, {}).publicUrl;
    await url.ready();
    expect(url.get()).toBe('http://localhost:8080');
  });

  it('with OC_HTTP_PORT=0 waits for the bound port and never says localhost:0', async () => {
    const url = PublicUrl.of(undefined, 0);
    expect(url.known).toBe(false);
    expect(() => url.get()).toThrow(/before the HTTP port is bound/);
    let ready = false;
    const waiting = url.ready().then(() => (ready = true));
    await Promise.resolve();
    expect(ready).toBe(false);
    url.bound(41_873);
    await waiting;
    expect(url.get()).toBe('http://localhost:41873');
  });

  it('holds the intake back until the port is bound, then links the ticket on it', async () => {
    const store = SqliteDeliveryStore.open(':memory:');
    const roster = loadRoster(undefined);
    const url = PublicUrl.of(undefined, 0);
    const intake = notificationIntake({
      store,
      fanOut: { planner: new DispatchPlanner(roster), channels: channelsFileSchema.parse({ webhooks: [{ id: 'w', url: 'https://hook.example/oc', secret: 'a-secret-of-sixteen-chars' }] }), publicUrl: url, utcOffsetMin: 480 },
      clock: new ManualClock(1_000),
      logger: silentLogger(),
      onDeliveries: () => undefined,
      onReceipts: () => undefined,
    });
    const notification = { id: 'T9/v1/0', kind: 'ticket.opened', ticketId: 'T9', to: { staffId: 'chen-gang' }, at: 1_000, priority: 'P1', message: { zh: '门', en: 'door' } };
    const record = { topic: 'oc.tickets', key: 'T9', value: Buffer.from(JSON.stringify({ kind: 'notification', notification })), offset: '0' } as unknown as LogRecord;
    const handled = intake([record]);
    url.bound(45_001);
    await handled;
    const links = store.due(2_000, 10);
    expect(links.length).toBeGreaterThan(0);
    for (const d of links) expect(d.message.ticketUrl).toBe('http://localhost:45001/#/ticket/T9');
    store.close();
  });
});
