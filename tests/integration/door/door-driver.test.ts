import { afterEach, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { validateEnvelope } from '../../../services/shared/envelope.ts';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';
import { DoorRig, SITE_KEY } from './door-rig.ts';

let rig: DoorRig | undefined;
afterEach(async () => {
  await rig?.close();
  rig = undefined;
});

const DOOR_TYPES = ['access.granted', 'access.denied', 'exit.pressed', 'door.opened', 'door.closed', 'door.forced-open', 'door.held-open', 'tamper'];
const tamperReasons = (r: DoorRig) => r.events(['tamper']).map((e) => e.data.reason);
const raiseTampers = (r: DoorRig, from: number, to: number) => {
  for (let i = from; i <= to; i++) r.sim.raise({ type: 'tamper', reason: `r${i}` });
};
const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => `r${from + i}`);

describe('door driver against the simulated controller, to the event log over MQTT', () => {
  it('turns every controller event into its platform envelope, with the controller time and the card pseudonymised', async () => {
    const clock = new ManualClock(Date.parse('2026-07-15T20:00:00+08:00'));
    rig = await DoorRig.start({ clock });
    const granted = rig.sim.raise({ type: 'card.granted', reader: 'in', card: '3141592653' });
    clock.advance(1500);
    rig.sim.raise({ type: 'door.open', cause: 'grant' });
    rig.sim.raise({ type: 'door.close', openMs: 6400 });
    rig.sim.raise({ type: 'card.denied', reader: 'out', card: '2718281828', reason: 'expired' });
    rig.sim.raise({ type: 'exit.button' });
    rig.sim.raise({ type: 'alarm.forced' });
    rig.sim.raise({ type: 'alarm.held', openMs: 60_000, thresholdMs: 45_000 });
    rig.sim.raise({ type: 'tamper', reason: 'enclosure-opened' });

    await rig.until(() => rig!.events(DOOR_TYPES).length === 8);
    const events = rig.events(DOOR_TYPES);
    expect(events.map((e) => [e.type, e.data])).toEqual([
      ['access.granted', { cardHash: pseudonymiseCard(SITE_KEY, '3141592653'), reader: 'in' }],
      ['door.opened', { cause: 'grant' }],
      ['door.closed', { openSeconds: 6.4 }],
      ['access.denied', { cardHash: pseudonymiseCard(SITE_KEY, '2718281828'), reader: 'out', reason: 'expired' }],
      ['exit.pressed', {}],
      ['door.forced-open', { reason: 'opened-without-grant' }],
      ['door.held-open', { openSeconds: 60, thresholdSeconds: 45 }],
      ['tamper', { reason: 'enclosure-opened' }],
    ]);
    for (const e of events) validateEnvelope(e);
    expect(events[0]!.ts).toBe(granted.time);
    expect(Date.parse(events[1]!.ts) - Date.parse(events[0]!.ts)).toBe(1500);
    // Envelope seqs are the agent's own, gap-free.
    expect(events.map((e) => e.seq)).toEqual(events.map((_, i) => events[0]!.seq + i));

    // The raw card numbers appear nowhere the agent published to.
    const everything = [...rig.h.recorder.records.values()].flat().map((r) => r.value.toString('utf8')).join('\n');
    expect(everything).toContain(pseudonymiseCard(SITE_KEY, '3141592653'));
    expect(everything).not.toContain('3141592653');
    expect(everything).not.toContain('2718281828');
    expect(rig.driver.status().state).toBe('ok');
  });

  it('reports wrong credentials as OC_DEVICE_AUTH_FAILED, keeps retrying, and recovers once the login is accepted', async () => {
    rig = await DoorRig.start({ driver: { password: 'not-the-password' } });
    rig.sim.raise({ type: 'tamper', reason: 'r1' });
    await rig.until(() => rig!.faults().length === 1);
    expect(rig.faults()[0]!.code).toBe('OC_DEVICE_AUTH_FAILED');
    expect(rig.driver.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_AUTH_FAILED' });
    expect(tamperReasons(rig)).toEqual([]);

    // The installer puts the agent's password on the controller; the driver's next retry gets in.
    rig.sim.setPassword('not-the-password');
    await rig.until(() => rig!.recoveries() === 1 && tamperReasons(rig!).length === 1);
    expect(tamperReasons(rig)).toEqual(['r1']);
    // One fault episode, however many retries it took.
    expect(rig.faults()).toHaveLength(1);
    expect(rig.driver.status().state).toBe('ok');
  });

  it('loses nothing and repeats nothing across controller restarts and dropped connections', async () => {
    rig = await DoorRig.start();
    raiseTampers(rig, 1, 3);
    await rig.until(() => tamperReasons(rig!).length === 3);

    await rig.sim.restart();
    // Raised while the driver is still finding its way back: delivered after it reconnects, from its cursor.
    raiseTampers(rig, 4, 6);
    await rig.until(() => tamperReasons(rig!).length === 6);
    rig.sim.misbehave({ kind: 'drop' });
    raiseTampers(rig, 7, 8);
    await rig.sim.restart();
    raiseTampers(rig, 9, 10);

    await rig.until(() => tamperReasons(rig!).length >= 10 && rig!.recoveries() === rig!.faults().length);
    expect(tamperReasons(rig)).toEqual(range(1, 10));
    expect(rig.faults().length).toBeGreaterThanOrEqual(2);
    expect(rig.faults().every((f) => f.code === 'OC_DEVICE_UNREACHABLE')).toBe(true);
    expect(rig.driver.position()).toEqual({ journalId: rig.sim.journalId, seq: 10 });
  });

  it('skips what a controller replays below the cursor, so each controller seq reaches the log once', async () => {
    rig = await DoorRig.start();
    raiseTampers(rig, 1, 3);
    await rig.until(() => tamperReasons(rig!).length === 3);
    rig.sim.misbehave({ kind: 'replay' });
    rig.sim.misbehave({ kind: 'drop' });
    raiseTampers(rig, 4, 4);
    await rig.until(() => tamperReasons(rig!).length >= 4 && rig!.recoveries() === 1);
    raiseTampers(rig, 5, 5);
    await rig.until(() => tamperReasons(rig!).length >= 5);
    expect(tamperReasons(rig)).toEqual(range(1, 5));
  });

  it('resumes at the stored cursor after the agent restarts: events from while it was down arrive once', async () => {
    rig = await DoorRig.start();
    raiseTampers(rig, 1, 2);
    await rig.until(() => tamperReasons(rig!).length === 2);
    await rig.stopAgent();
    raiseTampers(rig, 3, 5);
    rig.startAgent();
    raiseTampers(rig, 6, 6);
    await rig.until(() => tamperReasons(rig!).length >= 6);
    expect(tamperReasons(rig)).toEqual(range(1, 6));
  });

  it('reads a new journal from its start after a factory reset', async () => {
    rig = await DoorRig.start();
    raiseTampers(rig, 1, 3);
    await rig.until(() => tamperReasons(rig!).length === 3);
    rig.sim.factoryReset();
    // Seqs 1 and 2 again, in the new journal: new events, not replays.
    raiseTampers(rig, 4, 5);
    await rig.until(() => tamperReasons(rig!).length >= 5);
    expect(tamperReasons(rig)).toEqual(range(1, 5));
    expect(rig.driver.position()).toEqual({ journalId: rig.sim.journalId, seq: 2 });
  });

  it('says how many events the controller overwrote while the agent was away', async () => {
    rig = await DoorRig.start({ sim: { capacity: 4 } });
    raiseTampers(rig, 1, 1);
    await rig.until(() => tamperReasons(rig!).length === 1);
    await rig.stopAgent();
    raiseTampers(rig, 2, 11); // seqs 2..11; the journal keeps 8..11
    rig.startAgent();
    await rig.until(() => tamperReasons(rig!).length === 5);
    expect(tamperReasons(rig)).toEqual(['r1', ...range(8, 11)]);
    expect(rig.events(['events.lost']).map((e) => e.data)).toEqual([{ fromSeq: 2, toSeq: 7, count: 6 }]);
  });

  it('treats garbage on the stream and from /info as OC_DEVICE_MALFORMED_RESPONSE and recovers without losing events', async () => {
    rig = await DoorRig.start();
    raiseTampers(rig, 1, 1);
    await rig.until(() => tamperReasons(rig!).length === 1);

    rig.sim.misbehave({ kind: 'garbage' });
    raiseTampers(rig, 2, 2);
    await rig.until(() => rig!.faults().length === 1 && rig!.recoveries() === 1 && tamperReasons(rig!).length === 2);
    expect(rig.faults()[0]!.code).toBe('OC_DEVICE_MALFORMED_RESPONSE');

    rig.sim.misbehave({ kind: 'garbage', where: 'info' });
    rig.sim.misbehave({ kind: 'drop' });
    raiseTampers(rig, 3, 3);
    await rig.until(() => rig!.faults().length === 2);
    expect(rig.driver.status().state).toBe('fault');
    rig.sim.behave();
    await rig.until(() => rig!.recoveries() === 2 && tamperReasons(rig!).length === 3);
    expect(tamperReasons(rig)).toEqual(range(1, 3));
    // The drop and the garbage /info are one episode; which showed first depends on timing.
    expect(['OC_DEVICE_MALFORMED_RESPONSE', 'OC_DEVICE_UNREACHABLE']).toContain(rig.faults()[1]!.code);
  });

  it('skips a journalled event with bad fields, with a fault naming it, and carries on', async () => {
    rig = await DoorRig.start();
    rig.sim.journalRaw({ type: 'card.granted', reader: 'in' }); // no card
    raiseTampers(rig, 1, 1);
    await rig.until(() => tamperReasons(rig!).length === 1 && rig!.recoveries() === 1);
    expect(rig.faults()).toHaveLength(1);
    expect(rig.faults()[0]!.code).toBe('OC_DEVICE_MALFORMED_RESPONSE');
    expect(rig.faults()[0]!.reason).toContain('controller event 1 (card.granted) skipped');
    expect(rig.events(['access.granted'])).toEqual([]);
  });

  it('detects a stalled controller with OC_DEVICE_TIMEOUT and recovers when it answers again', async () => {
    rig = await DoorRig.start({ driver: { idleTimeoutMs: 1_000, requestTimeoutMs: 1_000 } });
    raiseTampers(rig, 1, 1);
    await rig.until(() => tamperReasons(rig!).length === 1);
    rig.sim.misbehave({ kind: 'stall' });
    raiseTampers(rig, 2, 2);
    await rig.until(() => rig!.faults().length === 1);
    expect(rig.faults()[0]!.code).toBe('OC_DEVICE_TIMEOUT');
    rig.sim.behave();
    await rig.until(() => rig!.recoveries() === 1 && tamperReasons(rig!).length === 2);
    expect(tamperReasons(rig)).toEqual(range(1, 2));
  });

  it('flags a controller clock beyond tolerance with OC_DEVICE_CLOCK_SKEW and moves event times onto the agent clock', async () => {
    const clock = new ManualClock(Date.parse('2026-07-15T20:00:00+08:00'));
    rig = await DoorRig.start({ clock, driver: { clockToleranceMs: 5_000 } });
    const onTime = rig.sim.raise({ type: 'tamper', reason: 'r1' });
    await rig.until(() => tamperReasons(rig!).length === 1);
    expect(rig.events(['tamper'])[0]!.ts).toBe(onTime.time);

    rig.sim.misbehave({ kind: 'clock', offsetMs: 10 * 60_000 });
    await rig.until(() => rig!.faults().length === 1);
    expect(rig.faults()[0]).toMatchObject({ code: 'OC_DEVICE_CLOCK_SKEW' });
    expect(rig.faults()[0]!.reason).toContain('600 s ahead');

    const skewed = rig.sim.raise({ type: 'tamper', reason: 'r2' });
    await rig.until(() => tamperReasons(rig!).length === 2);
    expect(Date.parse(skewed.time) - clock.now()).toBe(600_000);
    // The controller said ten minutes ahead; the envelope carries the agent's time instead.
    expect(rig.events(['tamper'])[1]!.ts).toBe(new Date(clock.now()).toISOString());

    rig.sim.behave();
    await rig.until(() => rig!.recoveries() === 1);
    expect(rig.driver.status().state).toBe('ok');
  });
});
