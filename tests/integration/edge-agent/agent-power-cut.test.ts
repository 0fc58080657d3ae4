/**
 * EdgeAgent.powerOff() against the real gateway: the connection drops the way a
 * power cut drops it (no DISCONNECT, no `offline` from the device), so the gateway's
 * oc.status record comes from the will; start() brings the device back and the
 * outbox delivers what it held, in order.
 */
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { SqliteOutbox } from '../../../edge-agent/outbox/sqlite-outbox.ts';
import { isOcError } from '../../../services/shared/errors.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { nextAgentEvent } from '../../support/agent-events.ts';

const DEVICE = 'dl8-b1-u1-door';

interface StatusRecord {
  deviceId: string;
  state: 'online' | 'offline';
  source: string;
}

let h: GatewayHarness;
const cleanups: Array<() => Promise<void> | void> = [];

beforeEach(async () => {
  h = await GatewayHarness.start();
});

afterEach(async () => {
  for (const cleanup of cleanups.splice(0).reverse()) await cleanup();
  await h.close();
});

/** A door on the test gateway (DEVICE unless another id is given), with its own outbox file. */
function newAgent(overrides: { deviceId?: string; maxInFlight?: number; heartbeatIntervalMs?: number; reconnectPeriodMs?: number; maxReconnectPeriodMs?: number } = {}): EdgeAgent {
  const deviceId = overrides.deviceId ?? DEVICE;
  const outbox = SqliteOutbox.open({ path: join(h.dir, `outbox-${deviceId}.db`), deviceId, synchronous: 'NORMAL' });
  const agent = new EdgeAgent({
    deviceId,
    kind: 'door',
    brokerUrl: h.url,
    password: h.secrets.get(deviceId)!,
    outbox,
    heartbeatIntervalMs: overrides.heartbeatIntervalMs ?? 0,
    maxInFlight: overrides.maxInFlight,
    reconnectPeriodMs: overrides.reconnectPeriodMs ?? 10,
    maxReconnectPeriodMs: overrides.maxReconnectPeriodMs ?? 100,
    logger: silentLogger(),
  });
  cleanups.push(() => outbox.close());
  cleanups.push(() => agent.close());
  return agent;
}

const next = nextAgentEvent;

const statuses = (): StatusRecord[] => h.recorder.json<StatusRecord>('oc.status').filter((s) => s.deviceId === DEVICE);
const eventSeqs = (): number[] => h.recorder.json<{ deviceId: string; seq: number }>('oc.events').filter((e) => e.deviceId === DEVICE).map((e) => e.seq);
/** Seqs in the order they first reached the log: a resend of one the broker had already logged is a duplicate, not a reordering. */
const firstArrivals = (seqs: number[]): number[] => seqs.filter((s, i) => seqs.indexOf(s) === i);

async function startConnected(agent: EdgeAgent): Promise<void> {
  const connected = next(agent, 'connect');
  agent.start();
  await connected;
  await h.recorder.until(() => h.recorder.json<StatusRecord>('oc.status').some((s) => s.deviceId === agent.deviceId && s.state === 'online' && s.source === 'device'));
}

/** A second door that keeps its power: what it does in the meantime is the clock the cut one is measured against. */
const WITNESS = 'dl8-gate-n-door';

describe('EdgeAgent power cut against the real gateway', () => {
  it('drops the link without a DISCONNECT or an offline of its own: the gateway records the will', async () => {
    const agent = newAgent({ heartbeatIntervalMs: 20 });
    const witness = newAgent({ deviceId: WITNESS, heartbeatIntervalMs: 20 });
    await startConnected(agent);
    await startConnected(witness);
    const before = statuses().length;

    const disconnected = next(agent, 'disconnect');
    await agent.powerOff();
    await disconnected;
    expect(agent.stats().connected).toBe(false);
    const producedAtCut = agent.stats().produced;

    await h.recorder.until(() => statuses().slice(before).some((s) => s.state === 'offline' && s.source === 'will'));
    const afterCut = statuses().slice(before);
    // A clean close() would have published `offline` itself (source 'device') and sent DISCONNECT, which discards the will.
    expect(afterCut.filter((s) => s.source === 'device')).toEqual([]);
    expect(afterCut.every((s) => s.state === 'offline')).toBe(true);
    expect(afterCut.map((s) => s.source)).toContain('will');
    expect(h.gateway.stats().connected).toBe(1); // the witness

    // Dead: while the witness beats three more times, the cut door produces nothing, and emits are refused.
    const witnessBeats = witness.stats().produced;
    await new Promise<void>((resolve) => {
      const onAcked = (): void => {
        if (witness.stats().produced < witnessBeats + 3) return;
        witness.off('acked', onAcked);
        resolve();
      };
      witness.on('acked', onAcked);
    });
    expect(agent.stats().produced).toBe(producedAtCut);
    let refused: unknown;
    try {
      agent.emitEvent('door.opened', {});
    } catch (err) {
      refused = err;
    }
    expect(isOcError(refused, 'OC_AGENT_POWERED_OFF')).toBe(true);
  });

  it('keeps what was unsent across the cut and delivers it in seq order once power returns', async () => {
    // One publish in flight at a time: of the six events emitted below, at most one is on the wire at the cut.
    const agent = newAgent({ maxInFlight: 1 });
    await startConnected(agent);
    for (let i = 0; i < 6; i++) agent.emitEvent('door.opened', { n: i });
    await agent.powerOff();
    expect(agent.stats().pending).toBeGreaterThanOrEqual(5);
    await h.recorder.until(() => statuses().some((s) => s.source === 'will'));

    // While off, whenDrained waits for the power: the entries can only drain after it returns.
    let drained = false;
    const whenDrained = agent.whenDrained().then(() => {
      drained = true;
    });
    expect(drained).toBe(false);

    const reconnected = next(agent, 'connect');
    agent.start();
    await reconnected;
    await whenDrained;
    expect(agent.stats().pending).toBe(0);
    await h.recorder.until(() => new Set(eventSeqs()).size === 6);
    expect(firstArrivals(eventSeqs())).toEqual([0, 1, 2, 3, 4, 5]);

    // The device is online again, by its own status after the gateway's connect record.
    await h.recorder.until(() => statuses().at(-1)?.state === 'online' && statuses().at(-1)?.source === 'device');
    const willAt = statuses().findIndex((s) => s.source === 'will');
    expect(statuses().slice(willAt + 1).map((s) => [s.state, s.source])).toEqual(expect.arrayContaining([['online', 'connect'], ['online', 'device']]));
    expect(agent.stats().reconnects).toBe(1);
  });

  it('close() after a power cut says nothing and rejects the waiters still hoping for power', async () => {
    const agent = newAgent({ maxInFlight: 1 });
    await startConnected(agent);
    agent.emitEvent('door.opened', { n: 0 });
    agent.emitEvent('door.opened', { n: 1 });
    await agent.powerOff();
    await h.recorder.until(() => statuses().some((s) => s.source === 'will'));
    const waiting = agent.whenDrained();
    const recordsBefore = statuses().length;

    await agent.close();
    await expect(waiting).rejects.toMatchObject({ code: 'OC_AGENT_CLOSED' });
    // Nothing was said on the way out: there was no link to say it on.
    expect(statuses().length).toBe(recordsBefore);
    expect(statuses().filter((s) => s.source === 'device' && s.state === 'offline')).toEqual([]);
    expect(() => agent.start()).toThrow(/closed/);
    // A second cut of a closed agent is harmless.
    await expect(agent.powerOff()).resolves.toBeUndefined();
  });

  it('a cut during a broker outage stops the reconnect attempts until power returns', async () => {
    // The cut door would retry every few ms; the witness only every 50-100 ms.
    const agent = newAgent({ reconnectPeriodMs: 1, maxReconnectPeriodMs: 5 });
    const witness = newAgent({ deviceId: WITNESS, reconnectPeriodMs: 50, maxReconnectPeriodMs: 100 });
    await startConnected(agent);
    await startConnected(witness);
    const port = h.gateway.port;
    const bothDown = Promise.all([next(agent, 'disconnect'), next(witness, 'disconnect')]);
    await h.gateway.close();
    await bothDown;
    await agent.powerOff();

    await h.startGateway(port);
    const recordsAtRestart = h.recorder.json<StatusRecord>('oc.status').length;
    await next(witness, 'connect');
    await h.recorder.until(() => h.recorder.json<StatusRecord>('oc.status').slice(recordsAtRestart).some((s) => s.deviceId === WITNESS && s.source === 'device'));
    // Still dark: no attempt got through while the witness, slower by far, came back.
    expect(agent.stats()).toMatchObject({ connected: false, reconnects: 0 });
    expect(h.recorder.json<StatusRecord>('oc.status').slice(recordsAtRestart).filter((s) => s.deviceId === DEVICE)).toEqual([]);

    const back = next(agent, 'connect');
    agent.start();
    await back;
    expect(agent.stats()).toMatchObject({ connected: true, reconnects: 1 });
  });

  it('a power cut before the broker answered still lets the device power on and deliver', async () => {
    const agent = newAgent();
    agent.emitEvent('door.opened', { n: 0 });
    agent.start();
    // Cut at once, in the same tick: the CONNECT may not even have left.
    await agent.powerOff();
    const reconnected = next(agent, 'connect');
    agent.start();
    await reconnected;
    await agent.whenDrained();
    await h.recorder.until(() => eventSeqs().includes(0));
    expect(firstArrivals(eventSeqs())).toEqual([0]);
  });
});
