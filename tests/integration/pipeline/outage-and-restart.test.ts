import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { systemClock } from '../../../services/shared/clock.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import type { PlacedDevice } from '../../../services/site/devices.ts';
import { AgentFleet } from '../../../simulators/agent-fleet.ts';
import { GatewayHarness, TEST_DEVICES } from '../../support/gateway-harness.ts';

let h: GatewayHarness;
let fleet: AgentFleet | undefined;
let dir: string;
afterEach(async () => {
  await fleet?.close();
  await h?.close();
  rmSync(dir, { recursive: true, force: true });
});

const ids = ['dl8-b1-u1-door', 'dl8-cam-01', 'dl8-drain-m3'];
const placed = (id: string) => ({ id, kind: TEST_DEVICES.find((d) => d.id === id)!.kind }) as PlacedDevice;

function newFleet(): AgentFleet {
  const f = new AgentFleet({
    brokerUrl: h.url,
    secrets: h.secrets,
    outboxPath: join(dir, 'outbox.db'),
    clock: systemClock,
    logger: silentLogger(),
    heartbeatIntervalMs: 0,
    reconnectPeriodMs: 50,
    outboxSync: 'FULL',
  });
  for (const id of ids) f.factory(placed(id)).start?.();
  return f;
}

const emit = (f: AgentFleet, n: number) => {
  for (let i = 0; i < n; i++) for (const a of f.agents.values()) a.emitEvent('test.tick', { i });
};

/** Each device's seqs in log order, repeats of an id (resends) removed. */
function seqsInLogOrder(): Map<string, number[]> {
  const seen = new Set<string>();
  const out = new Map<string, number[]>();
  for (const e of h.recorder.json<Envelope>('oc.events')) {
    if (seen.has(e.id)) continue;
    seen.add(e.id);
    out.set(e.deviceId, [...(out.get(e.deviceId) ?? []), e.seq]);
  }
  return out;
}

describe('broker down for a while, agent restarted in between', () => {
  it('every sequence number arrives, in order, none lost', async () => {
    h = await GatewayHarness.start();
    dir = mkdtempSync(join(tmpdir(), 'oc-outage-'));
    fleet = newFleet();
    emit(fleet, 40);
    await h.recorder.until(() => h.recorder.of('oc.events').length >= 30);

    // The gateway goes away while devices keep producing.
    const port = h.gateway.port;
    await h.gateway.close();
    emit(fleet, 60);
    // The agents restart (process restart: new agents over the same outbox file).
    await fleet.close();
    fleet = newFleet();
    emit(fleet, 50);
    const pendingAfterRestart = [...fleet.agents.values()].reduce((n, a) => n + a.stats().pending, 0);
    expect(pendingAfterRestart).toBeGreaterThan(3 * 50);

    await h.startGateway(port);
    const total = 40 + 60 + 50;
    await h.recorder.until(() => [...seqsInLogOrder().values()].every((s) => s.length === total) && seqsInLogOrder().size === ids.length);
    for (const [deviceId, seqs] of seqsInLogOrder()) {
      expect(seqs, deviceId).toEqual(Array.from({ length: total }, (_, i) => i));
    }
    await Promise.all([...fleet.agents.values()].map((a) => a.whenDrained()));
    expect([...fleet.agents.values()].every((a) => a.stats().pending === 0)).toBe(true);
    const resends = h.recorder.of('oc.events').length - 3 * total;
    console.log(`outage test: ${3 * total} envelopes checked over ${ids.length} devices, ${resends} resends de-duplicated by id`);
  });
});
