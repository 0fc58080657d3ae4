/**
 * GET /api/alerts and the live stream's `alert` events (issue 14), through the real API over the
 * real alerting service and log: a lone manhole's rapid rise stays an alert (no ticket), a forced
 * door's alert is a ticket; filters, the desk roles, the OpenAPI document.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Alert } from '../../../services/alerting/domain/alerts/alert.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser, until } from '../../support/api-user.ts';
import { SseReader } from '../../support/sse-reader.ts';

let h: AlertingHarness;
let base: string;
let desk: ApiUser;
let guard: ApiUser;
let manager: ApiUser;
const readers: SseReader[] = [];

beforeEach(async () => {
  h = await AlertingHarness.start(new ManualClock(Date.now()));
  base = await h.api.app.listen({ host: '127.0.0.1', port: 0 });
  [desk, guard, manager] = await Promise.all([ApiUser.signIn(h.api.app, 'desk'), ApiUser.signIn(h.api.app, 'guard'), ApiUser.signIn(h.api.app, 'manager')]);
});
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await h.close();
});

const alertsOf = async (user: ApiUser, query = ''): Promise<Alert[]> => {
  const res = await user.get(`/api/alerts${query}`);
  expect(res.statusCode, res.body).toBe(200);
  return (res.json() as { alerts: Alert[] }).alerts;
};

describe('GET /api/alerts', () => {
  it('lists the rules’ alerts with what became of each, filters by state and compound, and streams each change to the desk', async () => {
    const stream = await SseReader.open(`${base}/api/stream`, desk.cookie);
    readers.push(stream);
    // One manhole rising 300 mm at once, from 30 % of depth, then falling back: a signal, not work.
    const level = (levelMm: number) => h.event('dl8-drain-m5', 'drain.level', { levelMm, distanceMm: 1500 - levelMm, depthMm: 1500, batteryPct: 80, overflow: false }, 'telemetry');
    await level(500);
    await level(800);
    const streamed = await stream.next((e) => e.event === 'alert' && (e.data as Alert).alertType === 'drain.rapid-rise', 'the rapid-rise alert on the stream');
    expect(streamed.data).toMatchObject({ state: 'firing', subject: { deviceId: 'dl8-drain-m5' }, disposition: { kind: 'alert-only' } });
    const door = h.ticketWhere((t) => t.alertType === 'door.forced-open');
    await h.event('dl8-b1-u1-door', 'door.forced-open');
    const forced = await door;

    const listed = await until('both alerts listed', async () => {
      const list = await alertsOf(desk, '?state=firing');
      return list.some((a) => a.alertType === 'door.forced-open' && a.disposition.kind === 'ticket') && list.some((a) => a.alertType === 'drain.rapid-rise') ? list : undefined;
    });
    expect(listed.find((a) => a.alertType === 'drain.rapid-rise')).toMatchObject({ priority: 'P2', disposition: { kind: 'alert-only', why: 'never' } });
    expect(listed.find((a) => a.alertType === 'door.forced-open')).toMatchObject({ priority: 'P1', disposition: { kind: 'ticket', ticketId: forced.id } });
    // The rise alone opened no ticket.
    expect(h.alerting.store.listTickets({ deviceId: 'dl8-drain-m5' })).toEqual([]);
    expect(await alertsOf(desk, '?state=resolved')).toEqual([]);
    expect((await alertsOf(manager, '?compound=dl8')).length).toBe(2);
    expect(await alertsOf(desk, '?compound=nowhere')).toEqual([]);
  });

  it('is for the desk roles: staff get a 403, a bad filter a 400 naming it', async () => {
    expect((await guard.get('/api/alerts')).statusCode).toBe(403);
    const bad = await desk.get('/api/alerts?state=burning');
    expect(bad.statusCode).toBe(400);
    expect(bad.json()).toMatchObject({ code: 'OC_API_INVALID_REQUEST', field: expect.stringContaining('state') });
  });

  it('is in the OpenAPI document with its schema', async () => {
    const doc = (await h.api.app.inject({ method: 'GET', url: '/api/openapi.json' })).json() as { paths: Record<string, { get?: { responses: Record<string, unknown> } }> };
    expect(doc.paths['/api/alerts']?.get?.responses['200']).toBeDefined();
  });
});
