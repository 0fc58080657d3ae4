import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Ticket } from '../../../services/alerting/domain/tickets/types.ts';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';
import { SseReader, type SseEvent } from '../../support/sse-reader.ts';

let h: AlertingHarness;
let clock: ManualClock;
let base: string;
let desk: ApiUser;
let guard: ApiUser;
const readers: SseReader[] = [];

async function open(user?: ApiUser): Promise<SseReader> {
  const reader = await SseReader.open(`${base}/api/stream`, user?.cookie);
  readers.push(reader);
  return reader;
}

async function forcedDoor(deviceId: string): Promise<Ticket> {
  const opened = h.ticketWhere((t) => t.subject.deviceId === deviceId && t.alertType === 'door.forced-open');
  await h.event(deviceId, 'door.forced-open');
  return opened;
}

const aboutTicket = (id: string, action?: string) => (e: SseEvent) => {
  const data = e.data as { ticket?: { id: string }; entries?: Array<{ action: string }> };
  return e.event === 'ticket' && data.ticket?.id === id && (action === undefined || data.entries!.some((x) => x.action === action));
};

beforeEach(async () => {
  clock = new ManualClock(Date.now());
  h = await AlertingHarness.start(clock);
  base = await h.api.app.listen({ host: '127.0.0.1', port: 0 });
  [desk, guard] = await Promise.all([ApiUser.signIn(h.api.app, 'desk'), ApiUser.signIn(h.api.app, 'guard')]);
});
afterEach(async () => {
  for (const r of readers.splice(0)) r.close();
  await h.close();
});

describe('live stream', () => {
  it('needs a session', async () => {
    expect((await open()).status).toBe(401);
  });

  it('gives staff only their own tickets, and word when one is taken away', async () => {
    const deskStream = await open(desk);
    const guardStream = await open(guard);
    const mine = await forcedDoor('dl8-b1-u1-door');
    const other = await forcedDoor('dl8-b2-u1-door');
    await h.status('dl8-cam-01', 'online', 'connect');
    await deskStream.next((e) => e.event === 'device', 'a device status');
    await desk.act(other.id, 'dispatch', { staffId: 'jiang-ming', teamId: 'security' });
    await desk.act(mine.id, 'dispatch', { staffId: 'chen-gang', teamId: 'security' });
    await guardStream.next(aboutTicket(mine.id, 'dispatched'), 'dispatch of his ticket');
    await desk.act(mine.id, 'dispatch', { staffId: 'wei-qiang', teamId: 'security' });
    expect((await guardStream.next((e) => e.event === 'ticket-withdrawn', 'withdrawal')).data).toEqual({ ticketId: mine.id });

    // Everything else went out before the withdrawal, and one socket keeps its order: had the guard
    // been sent any of it, it would be in his events by now. The desk was sent all of it.
    await deskStream.next(aboutTicket(other.id, 'dispatched'), 'the other dispatch');
    const seenByGuard = guardStream.events.map((e) => (e.data as { ticket?: { id: string }; ticketId?: string }).ticket?.id ?? (e.data as { ticketId: string }).ticketId);
    expect(new Set(seenByGuard)).toEqual(new Set([mine.id]));
    expect(guardStream.events.some((e) => e.event === 'device')).toBe(false);
  });

  it('pushes device status changes to the desk as they happen', async () => {
    const stream = await open(desk);
    const about = (state: string) => (e: SseEvent) => e.event === 'device' && (e.data as { deviceId: string; state: string }).deviceId === 'dl8-cam-02' && (e.data as { state: string }).state === state;
    await h.status('dl8-cam-02', 'online', 'connect');
    expect((await stream.next(about('online'), 'dl8-cam-02 online')).data).toMatchObject({ deviceId: 'dl8-cam-02', state: 'online' });
    await h.status('dl8-cam-02', 'offline', 'will');
    expect((await stream.next(about('offline'), 'dl8-cam-02 offline')).data).toMatchObject({ deviceId: 'dl8-cam-02', state: 'offline' });
    // A power cut is said twice, the will and the lost socket: the second changes why, not whether,
    // and the desk that follows the stream must learn it as one that reloads the list would.
    await h.status('dl8-cam-02', 'offline', 'connection-lost');
    const why = await stream.next((e) => about('offline')(e) && (e.data as { source: string }).source === 'connection-lost', 'dl8-cam-02 offline from a lost connection');
    // What was pushed is what the device list now says.
    const listed = (await desk.get('/api/devices')).json().devices.find((d: { id: string }) => d.id === 'dl8-cam-02');
    expect(listed.status).toEqual(why.data);
  });

  it('ends the streams of a session that signs out', async () => {
    const stream = await open(guard);
    const other = await open(desk);
    await guard.delete('/api/session');
    await stream.ended;
    expect(h.api.live.size).toBe(1);
    expect(other.events).toEqual([]);
  });

  it('ends a stream once its session has expired', async () => {
    const stream = await open(desk);
    h.api.live.ping();
    expect(h.api.live.size).toBe(1);
    clock.advance(24 * 3_600_000);
    h.api.live.ping();
    await stream.ended;
    expect(h.api.live.size).toBe(0);
  });
});
