/**
 * The notification bench (issue 15), on the embedded log:
 *  1. Forced doors: device publish → gateway → log → alerting → notifier → a loopback
 *     webhook receiver; p50/p95/p99 from the publish to the receiver's arrival.
 *  2. A storm: 500 P1 notifications put on oc.tickets within seconds, through DingTalk,
 *     WeCom and Feishu loopback robots at their rate limits: how many delivered, how
 *     many merged into summaries, how many messages each robot got, how many lost.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import mqtt from 'mqtt';
import { createAlerting } from '../services/alerting/compose.ts';
import { PLATFORM_TOPICS } from '../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../services/event-log/sqlite/sqlite-event-log.ts';
import { hashSecret, MemoryCredentialStore } from '../services/gateway/credentials.ts';
import { DeviceRegistry } from '../services/gateway/device-registry.ts';
import { startGateway } from '../services/gateway/gateway.ts';
import { buildEnvelope } from '../edge-agent/envelope-builder.ts';
import { createNotifier } from '../services/notifier/compose.ts';
import { loadNotifierConfig } from '../services/notifier/config.ts';
import { systemClock } from '../services/shared/clock.ts';
import { silentLogger } from '../services/shared/logger.ts';
import { deviceTopic, LOG_TOPICS } from '../services/shared/topics.ts';
import type { PlacedDevice } from '../services/site/devices.ts';
import { LoopbackReceiver } from '../tests/support/loopback-receiver.ts';
import { benchDevices, benchSecret } from './lib/devices.ts';

const DOORS = Number(process.env.OC_BENCH_NOTIFY_DOORS ?? 60);
const STORM = Number(process.env.OC_BENCH_NOTIFY_STORM ?? 500);
const SECRET = 'bench-webhook-secret-0123456789';

const devices = benchDevices(DOORS * 4).filter((d) => d.kind === 'door').slice(0, DOORS);
const placed: PlacedDevice[] = devices.map((d, i) => ({ id: d.id, kind: d.kind, communityId: 'bench', compoundId: 'bench', buildingId: `b${i % 6}`, placeId: `p${i}`, placeType: 'entrance', name: { zh: d.id, en: d.id }, depthMm: undefined }));
const pct = (xs: number[], p: number) => xs[Math.min(xs.length - 1, Math.floor((p / 100) * xs.length))]!;
const waitFor = async (what: string, check: () => boolean, timeoutMs: number) => {
  const until = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > until) throw new Error(`bench: timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
};

async function forcedDoors(): Promise<{ p50: number; p95: number; p99: number; n: number }> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-notify-'));
  const log = SqliteEventLog.open({ path: join(dir, 'events.db'), logger: silentLogger() });
  await log.ensureTopics(PLATFORM_TOPICS);
  const receiver = await LoopbackReceiver.start();
  const credentials = new MemoryCredentialStore();
  for (const d of devices) credentials.set(d.id, hashSecret(benchSecret(d.id)));
  const gateway = await startGateway({ port: 0, log, registry: DeviceRegistry.fromDevices(devices), credentials, logger: silentLogger() });
  const alerting = await createAlerting({ log, devices: placed, storePath: join(dir, 'alerting.db'), clock: systemClock, logger: silentLogger(), tickIntervalMs: 3_600_000, synchronous: 'NORMAL' });
  const config = loadNotifierConfig(dir, 8080, { OC_NOTIFY_WEBHOOK_URL: `${receiver.url}/hook`, OC_NOTIFY_WEBHOOK_SECRET: SECRET });
  const notifier = await createNotifier({ log, config, roster: alerting.roster, planner: alerting.planner, clock: systemClock, logger: silentLogger() });
  const deviceOf = new Map<string, string>();
  alerting.runtime.service.changes.on('ticket', (t) => t.alertType === 'door.forced-open' && t.subject.deviceId && deviceOf.set(t.id, t.subject.deviceId));
  const sentAt = new Map<string, number>();
  try {
    for (const d of devices) {
      const c = await mqtt.connectAsync(`mqtt://127.0.0.1:${gateway.port}`, { clientId: d.id, username: d.id, password: benchSecret(d.id), reconnectPeriod: 0 });
      const { payload } = buildEnvelope({ deviceId: d.id, kind: d.kind, type: 'door.forced-open', seq: 0, timeMs: Date.now(), data: {} });
      sentAt.set(d.id, Date.now());
      await c.publishAsync(deviceTopic(d.id, 'event'), payload, { qos: 1 });
      await c.endAsync();
    }
    const arrivals = () => {
      const first = new Map<string, number>();
      for (const r of receiver.requests) {
        const b = JSON.parse(r.body) as { ticketId: string; kind: string };
        const device = deviceOf.get(b.ticketId);
        if (b.kind === 'ticket.opened' && device && !first.has(device)) first.set(device, r.at);
      }
      return first;
    };
    await waitFor('every forced door at the webhook', () => arrivals().size === devices.length, 60_000);
    const latencies = [...arrivals()].map(([device, at]) => at - sentAt.get(device)!).sort((a, b) => a - b);
    return { p50: pct(latencies, 50), p95: pct(latencies, 95), p99: pct(latencies, 99), n: latencies.length };
  } finally {
    await gateway.close();
    await alerting.runtime.close();
    await notifier.close();
    await log.close();
    await receiver.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

interface StormResult {
  robot: string;
  delivered: number;
  merged: number;
  messages: number;
  maxPerMinute: number;
  lost: number;
  seconds: number;
}

async function storm(): Promise<StormResult[]> {
  const dir = mkdtempSync(join(tmpdir(), 'oc-bench-storm-'));
  const log = SqliteEventLog.open({ path: join(dir, 'events.db'), logger: silentLogger() });
  await log.ensureTopics(PLATFORM_TOPICS);
  const robots = { dingtalk: await LoopbackReceiver.start(), wecom: await LoopbackReceiver.start(), feishu: await LoopbackReceiver.start() };
  robots.dingtalk.respond = () => ({ status: 200, body: '{"errcode":0}' });
  robots.wecom.respond = () => ({ status: 200, body: '{"errcode":0}' });
  robots.feishu.respond = () => ({ status: 200, body: '{"code":0}' });
  const { loadRoster } = await import('../services/alerting/roster-file.ts');
  const { DispatchPlanner } = await import('../services/alerting/domain/dispatch/planner.ts');
  const roster = loadRoster();
  const config = loadNotifierConfig(dir, 8080, {
    OC_NOTIFY_DINGTALK_URL: `${robots.dingtalk.url}/robot/send?access_token=t`,
    OC_NOTIFY_DINGTALK_SECRET: 'SECbench',
    OC_NOTIFY_WECOM_URL: `${robots.wecom.url}/cgi-bin/webhook/send?key=k`,
    OC_NOTIFY_FEISHU_URL: `${robots.feishu.url}/open-apis/bot/v2/hook/x`,
    OC_NOTIFY_FEISHU_SECRET: 'bench',
  });
  const notifier = await createNotifier({ log, config, roster, planner: new DispatchPlanner(roster), clock: systemClock, logger: silentLogger() });
  const started = Date.now();
  try {
    // The storm: bursts of 25 every 200 ms (500 in about 4 s).
    for (let i = 0; i < STORM; i += 25) {
      const batch = Array.from({ length: Math.min(25, STORM - i) }, (_, j) => {
        const ticketId = `T20260716-${String(i + j + 1).padStart(4, '0')}`;
        const notification = { id: `${ticketId}/v1/0`, kind: 'ticket.opened', ticketId, to: { role: 'operator' }, at: Date.now(), priority: 'P1', message: { zh: `新工单（P1）：${i + j + 1}号窨井满溢`, en: `New ticket (P1): manhole ${i + j + 1} overflowing` } };
        return { key: ticketId, value: JSON.stringify({ kind: 'notification', notification }) };
      });
      await log.append(LOG_TOPICS.tickets, batch);
      await new Promise((r) => setTimeout(r, 200));
    }
    await waitFor('every storm notification delivered on every robot', () => (notifier.store.counts().delivered ?? 0) >= STORM * 3, 300_000);
    const seconds = (Date.now() - started) / 1000;
    return (['dingtalk', 'wecom', 'feishu'] as const).map((kind) => {
      const reqs = robots[kind].requests;
      const mentioned = new Set<string>();
      for (const r of reqs) for (const m of r.body.matchAll(/T20260716-\d{4}/g)) mentioned.add(m[0]);
      const times = reqs.map((r) => r.at);
      const maxPerMinute = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 60_000).length));
      const merged = reqs.filter((r) => (r.body.match(/T20260716-\d{4}/g) ?? []).length > 2).reduce((n, r) => n + new Set(r.body.match(/T20260716-\d{4}/g)).size, 0);
      return { robot: kind, delivered: mentioned.size, merged, messages: reqs.length, maxPerMinute, lost: STORM - mentioned.size, seconds };
    });
  } finally {
    await notifier.close();
    await log.close();
    for (const r of Object.values(robots)) await r.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

const doors = await forcedDoors();
console.log(`[bench] notifications: forced door publish → webhook arrival p50 ${doors.p50} ms, p95 ${doors.p95} ms, p99 ${doors.p99} ms (${doors.n} doors)`);
const robots = await storm();
const lines = [
  '',
  '## Notifications: forced doors gateway → log → alerting → notifier → loopback receivers (embedded log)',
  '',
  '| path | samples | p50 | p95 | p99 |',
  '|---|--:|--:|--:|--:|',
  `| door publish → signed webhook arrival | ${doors.n} | ${doors.p50} ms | ${doors.p95} ms | ${doors.p99} ms |`,
  '',
  `Storm: ${STORM} P1 notifications on oc.tickets in bursts of 25 every 200 ms, through rate-limited group robots (DingTalk and WeCom 20 messages/min, Feishu 50/min here):`,
  '',
  '| robot | delivered | in merged summaries | messages sent | most in any minute | lost | all done after |',
  '|---|--:|--:|--:|--:|--:|--:|',
  ...robots.map((r) => `| ${r.robot} | ${r.delivered} | ${r.merged} | ${r.messages} | ${r.maxPerMinute} | ${r.lost} | ${r.seconds.toFixed(1)} s |`),
];
console.log(lines.join('\n'));
process.exit(robots.some((r) => r.lost > 0) ? 1 : 0);
