import { afterEach, beforeEach, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { deviceTopic } from '../../../services/shared/topics.ts';
import { multipartBody } from '../../support/multipart-body.ts';
import { PipelineHarness } from '../../support/pipeline-harness.ts';

/**
 * Issue 16, the other order: three residents report manhole M3 from its QR code (real HTTP),
 * and only then does its drain sensor overflow (a real MQTT client through the real gateway,
 * the SQLite log and the alerting service). The sensor's alert joins the residents' ticket:
 * one ticket, "4 reports", and each resident's tracking page follows it. (That the sensor's
 * clear then leaves the people's ticket open is the ticket domain's, in report-tally.test.ts.)
 */
let p: PipelineHarness;
beforeEach(async () => {
  p = await PipelineHarness.start();
});
afterEach(async () => p.close());

const DRAIN = 'dl8-drain-m3';

async function residentReport(n: number): Promise<string> {
  const { payload, headers } = multipartBody({ category: 'drainage', description: `井盖冒水了 ${n}` });
  const res = await fetch(`${p.baseUrl}/report/m3`, { method: 'POST', headers: { ...headers, origin: p.baseUrl }, body: new Uint8Array(payload) });
  const html = await res.text();
  expect(res.status, html).toBe(201);
  return /data-testid="tracking-link" href="([^"?]+)/.exec(html)![1]!;
}

/** A level reading of the drain sensor at M3, published as the device does (QoS 1, PUBACK once logged). */
async function reading(client: Awaited<ReturnType<PipelineHarness['gw']['connect']>>, seq: number, data: { levelMm: number; distanceMm: number; overflow: boolean }): Promise<void> {
  const envelope = { v: 1, id: `${DRAIN}-reading-${seq}`, deviceId: DRAIN, kind: 'drain', type: 'drain.level', ts: new Date().toISOString(), seq, data };
  await client.publishAsync(deviceTopic(DRAIN, 'telemetry'), JSON.stringify(envelope), { qos: 1 });
}

const atM3 = (tickets: Ticket[]) => tickets.filter((t) => t.subject.placeId === 'm3' && t.category === 'drainage');

it('three resident reports at M3 and then its drain sensor make one ticket of 4 reports', async () => {
  const links = [await residentReport(1), await residentReport(2), await residentReport(3)];
  const before = atM3((await p.apiGet('/api/tickets')).tickets);
  expect(before).toHaveLength(1);
  const ticket = before[0]!;
  expect(ticket).toMatchObject({ alertType: 'report.resident', reports: { count: 3, sources: ['resident'] } });

  const sensor = await p.gw.connect(DRAIN);
  const joined = p.ticket((t) => t.id === ticket.id && t.reports?.count === 4);
  await reading(sensor, 0, { levelMm: 1600, distanceMm: 0, overflow: true });
  await joined;

  const { tickets } = await p.apiGet('/api/tickets');
  expect(atM3(tickets).map((t) => t.id)).toEqual([ticket.id]);
  expect(atM3(tickets)[0]).toMatchObject({ reports: { count: 4, sources: ['resident', 'sensor'] }, priority: 'P1', subject: { deviceId: DRAIN }, fingerprint: expect.stringContaining('drain.level') });
  expect(await p.apiGet(`/api/tickets/${ticket.id}/reports`)).toMatchObject({ source: 'resident', reportCount: 4 });
  const detail = await p.apiGet(`/api/tickets/${ticket.id}`);
  expect(detail.timeline.some((e: { action: string; data?: { report?: { source: string } } }) => e.action === 'commented' && e.data?.report?.source === 'sensor')).toBe(true);
  expect(detail.linkedEvents.some((e: { body: { type: string; deviceId: string } }) => e.body.type === 'drain.level' && e.body.deviceId === DRAIN)).toBe(true);
  for (const link of links) expect(await (await fetch(`${p.baseUrl}${link}`)).text()).toContain('共 4 份报告');
});
