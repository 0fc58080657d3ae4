import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { DoorControllerSimulator } from '../../../simulators/protocols/door/door-controller-simulator.ts';

/** The simulator's HTTP interface seen by a plain HTTP client (fetch), as any driver would see it. */

let sim: DoorControllerSimulator | undefined;
const aborts: AbortController[] = [];
afterEach(async () => {
  for (const a of aborts.splice(0)) a.abort();
  await sim?.close();
  sim = undefined;
});

async function startSim(): Promise<DoorControllerSimulator> {
  sim = new DoorControllerSimulator({ password: 'pw-1234', keepaliveMs: 50, clock: new ManualClock(Date.parse('2026-07-15T12:00:00Z')) });
  await sim.start();
  return sim;
}

async function login(s: DoorControllerSimulator, password = 'pw-1234'): Promise<Response> {
  return fetch(`${s.url}/api/v1/auth/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ username: 'admin', password }) });
}

async function token(s: DoorControllerSimulator): Promise<string> {
  return ((await (await login(s)).json()) as { token: string }).token;
}

const get = (s: DoorControllerSimulator, path: string, bearer?: string) =>
  fetch(`${s.url}${path}`, { headers: bearer ? { authorization: `Bearer ${bearer}` } : {} });

/** Opens the event stream and reads lines until `count` non-keepalive lines came. */
async function readEvents(s: DoorControllerSimulator, bearer: string, since: number, count: number): Promise<Array<Record<string, unknown>>> {
  const abort = new AbortController();
  aborts.push(abort);
  const res = await fetch(`${s.url}/api/v1/events?since=${since}`, { headers: { authorization: `Bearer ${bearer}` }, signal: abort.signal });
  expect(res.status).toBe(200);
  expect(res.headers.get('content-type')).toMatch(/^application\/x-ndjson/);
  const reader = res.body!.getReader();
  const decoder = new TextDecoder();
  let buffered = '';
  const events: Array<Record<string, unknown>> = [];
  while (events.length < count) {
    const { value, done } = await reader.read();
    if (done) throw new Error('stream ended');
    buffered += decoder.decode(value, { stream: true });
    const lines = buffered.split('\n');
    buffered = lines.pop()!;
    for (const line of lines) {
      const parsed = JSON.parse(line) as Record<string, unknown>;
      if (parsed.type !== 'keepalive') events.push(parsed);
    }
  }
  abort.abort();
  return events;
}

describe('simulated door controller: HTTP interface', () => {
  it('requires a token from a correct login for everything else', async () => {
    const s = await startSim();
    expect((await get(s, '/api/v1/info')).status).toBe(401);
    expect((await login(s, 'wrong')).status).toBe(401);
    const t = await token(s);
    const info = (await (await get(s, '/api/v1/info', t)).json()) as { journal: { id: string; headSeq: number } };
    expect(info.journal).toMatchObject({ id: s.journalId, headSeq: 0 });
    const time = (await (await get(s, '/api/v1/time', t)).json()) as { time: string; epochMs: number };
    expect(time).toEqual({ time: '2026-07-15T12:00:00.000Z', epochMs: Date.parse('2026-07-15T12:00:00Z') });
    expect((await get(s, '/api/v1/nothing-here', t)).status).toBe(404);
  });

  it('streams the journal after `since`, then live events, and refuses a cursor ahead of it', async () => {
    const s = await startSim();
    const t = await token(s);
    for (const reason of ['a', 'b', 'c']) s.raise({ type: 'tamper', reason });
    expect((await readEvents(s, t, 1, 2)).map((e) => [e.seq, e.reason])).toEqual([
      [2, 'b'],
      [3, 'c'],
    ]);
    const live = readEvents(s, t, 3, 1);
    s.raise({ type: 'exit.button' });
    expect((await live).map((e) => [e.seq, e.type])).toEqual([[4, 'exit.button']]);

    const ahead = await get(s, '/api/v1/events?since=99', t);
    expect(ahead.status).toBe(409);
    expect(await ahead.json()).toEqual({ error: 'cursor-ahead', headSeq: 4 });
    expect((await get(s, '/api/v1/events?since=-1', t)).status).toBe(400);
  });

  it('keeps its journal across a restart but forgets the sessions', async () => {
    const s = await startSim();
    const before = await token(s);
    s.raise({ type: 'tamper', reason: 'before' });
    const port = s.port;
    await s.restart();
    expect(s.port).toBe(port);
    expect((await get(s, '/api/v1/info', before)).status).toBe(401);
    const after = await token(s);
    expect((await readEvents(s, after, 0, 1)).map((e) => e.reason)).toEqual(['before']);
    s.raise({ type: 'tamper', reason: 'after' });
    expect((await readEvents(s, after, 1, 1)).map((e) => [e.seq, e.reason])).toEqual([[2, 'after']]);
  });

  it('turns behaviour-model outputs into controller events with raw card numbers', async () => {
    const s = await startSim();
    s.feed({ channel: 'event', type: 'access.granted', data: { cardHash: '00ff00ff00ff00ff', reader: 'out' }, at: Date.parse('2026-07-15T12:00:05Z') });
    s.feed({ channel: 'event', type: 'door.closed', data: { openSeconds: 4.2 }, at: Date.parse('2026-07-15T12:00:09Z') });
    s.feed({ channel: 'telemetry', type: 'drain.level', data: {}, at: 0 });
    const events = await readEvents(s, await token(s), 0, 2);
    expect(events[0]).toMatchObject({ seq: 1, type: 'card.granted', reader: 'out', time: '2026-07-15T12:00:05.000Z' });
    expect(events[0]!.card).toMatch(/^\d{10}$/);
    expect(events[1]).toEqual({ seq: 2, type: 'door.close', openMs: 4200, time: '2026-07-15T12:00:09.000Z' });
    expect(s.ignored).toBe(1);
  });
});
