import { afterEach, describe, expect, it } from 'vitest';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';
import { DOOR_ID, DoorRig, SITE_KEY } from './door-rig.ts';

let rig: DoorRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

/**
 * Raises `count` card.granted events, each with a card of its own so that every
 * envelope tells which controller seq it came from; returns controller seq by card pseudonym.
 */
function raiseGrants(r: DoorRig, count: number): Map<string, number> {
  const seqByHash = new Map<string, number>();
  for (let i = 0; i < count; i++) {
    const card = String(4_000_000_000 + r.sim.headSeq() + 1);
    const event = r.sim.raise({ type: 'card.granted', reader: 'in', card });
    seqByHash.set(pseudonymiseCard(SITE_KEY, card), event.seq);
  }
  return seqByHash;
}

/** Everything the log recorded from the door, duplicates of one envelope id included. */
const rawDoorRecords = (r: DoorRig): Envelope[] => r.h.recorder.json<Envelope>('oc.events').filter((e) => e.deviceId === DOOR_ID);

describe('door driver: exactly once across agent crashes', () => {
  it('delivers every controller seq exactly once when the power goes off right after outbox commits', async () => {
    rig = await DoorRig.start();
    await rig.stopAgent();
    const seqByHash = raiseGrants(rig, 15);

    // Four agent lives, each dying right after its n-th outbox commit (the moment the
    // envelope is stored), then one that runs to the end.
    const cutPoints = [3, 4, 1, 2];
    for (const cutAfter of cutPoints) {
      rig.startAgent({ powerCutAfterAppends: cutAfter });
      await rig.powerCut;
      await rig.stopAgent();
    }
    rig.startAgent();
    await rig.until(() => new Set(rig!.events(['access.granted']).map((e) => e.data.cardHash)).size === seqByHash.size);
    await rig.agent.whenDrained();
    const stored = rig.storedEnvelopes();
    // Acknowledged is not yet read back from the log: wait until the recorder has every stored envelope.
    await rig.until(() => rig!.events().length >= stored);

    const envelopes = rig.events();
    // Besides the grants, only a fault episode of a slow controller answer could have been stored.
    const others = envelopes.filter((e) => e.type !== 'access.granted').map((e) => e.type);
    expect(others.every((type) => type === 'device.fault' || type === 'device.recovered')).toBe(true);
    const perControllerSeq = new Map<number, number>();
    for (const e of envelopes.filter((x) => x.type === 'access.granted')) {
      const seq = seqByHash.get(e.data.cardHash as string);
      expect(seq).toBeDefined();
      perControllerSeq.set(seq!, (perControllerSeq.get(seq!) ?? 0) + 1);
    }
    const raw = rawDoorRecords(rig);
    const counts = [...perControllerSeq.values()];
    console.log(
      `door crash test: ${cutPoints.length} power cuts (after appends ${cutPoints.join(', ')}), ` +
        `${seqByHash.size} controller events, ${stored} envelopes stored, ${raw.length} log records ` +
        `(${raw.length - envelopes.length} redeliveries of an id already logged), ${envelopes.length} distinct envelopes, ` +
        `${perControllerSeq.size} controller seqs seen, each ${Math.min(...counts)}..${Math.max(...counts)} times`,
    );

    // Envelopes per controller seq: each raised seq, once.
    expect(Object.fromEntries(perControllerSeq)).toEqual(Object.fromEntries([...seqByHash.values()].map((seq) => [seq, 1])));
    // Every envelope the file ever stored reached the log, its seqs gap-free over all five lives.
    expect(envelopes.length).toBe(stored);
    expect(envelopes.map((e) => e.seq).sort((a, b) => a - b)).toEqual(Array.from({ length: stored }, (_, i) => i));
    expect(rig.driver.position()).toEqual({ journalId: rig.sim.journalId, seq: 15 });
  });

  it('still moves the cursor, right after the emit, for an agent that does not run it in its transaction', async () => {
    rig = await DoorRig.start();
    await rig.stopAgent();
    // What the driver sees passes on three arguments only, as an older wrapper would.
    rig.startAgent({
      driverSees: (agent) => ({
        deviceId: agent.deviceId,
        kind: agent.kind,
        emitEvent: (type, data, deviceTime) => agent.emitEvent(type, data, deviceTime),
        emitTelemetry: (type, data, deviceTime) => agent.emitTelemetry(type, data, deviceTime),
        onConfig: (listener) => agent.onConfig(listener),
        stats: () => agent.stats(),
      }),
    });
    const first = raiseGrants(rig, 3);
    await rig.until(() => rig!.events(['access.granted']).length === 3);
    expect(rig.driver.position()).toEqual({ journalId: rig.sim.journalId, seq: 3 });

    await rig.stopAgent();
    const second = raiseGrants(rig, 2);
    rig.startAgent();
    await rig.until(() => rig!.events(['access.granted']).length >= 5);
    // The restarted agent resumed at the stored cursor: no repeats.
    const hashes = rig.events(['access.granted']).map((e) => e.data.cardHash);
    expect(hashes).toEqual([...first.keys(), ...second.keys()]);
  });
});
