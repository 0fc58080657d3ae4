/**
 * A simulated door controller whose journal is kept in a lasting flash (SqliteFlashBank):
 * a new simulator on the same flash, as after a process restart, is the same controller
 * power-cycled, not a factory-new one. The driver connected across it resumes from its
 * cursor, with no "journal changed" warning, losing and repeating nothing.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { DoorControllerSimulator } from '../../../simulators/protocols/door/door-controller-simulator.ts';
import { SqliteFlashBank } from '../../../simulators/protocols/door/journal-flash.ts';
import { CONTROLLER_PASSWORD, DOOR_ID, DoorRig } from './door-rig.ts';

let rig: DoorRig | undefined;
let dir: string | undefined;
const banks: SqliteFlashBank[] = [];
const sims: DoorControllerSimulator[] = [];
afterEach(async () => {
  await rig?.close();
  for (const sim of sims.splice(0)) await sim.close();
  for (const bank of banks.splice(0)) bank.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
  rig = dir = undefined;
});

function openBank(path: string): SqliteFlashBank {
  const bank = new SqliteFlashBank({ path, synchronous: 'NORMAL' }, 100);
  banks.push(bank);
  return bank;
}

const JOURNAL_CHANGED = /controller journal changed/;

describe('simulated door controller restarted on the same state', () => {
  it('keeps its journal id and goes on counting seqs; a factory reset or another state file is a new journal', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-door-flash-'));
    const path = join(dir, 'state.db');
    const first = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, capacity: 100, flash: openBank(path).flashFor(DOOR_ID) });
    sims.push(first);
    for (let i = 1; i <= 150; i++) first.raise({ type: 'tamper', reason: `r${i}` });
    const journalId = first.journalId;
    await first.close();
    banks.pop()!.close();

    const again = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, capacity: 100, flash: openBank(path).flashFor(DOOR_ID) });
    sims.push(again);
    expect(again.journalId).toBe(journalId);
    expect(again.headSeq()).toBe(150);
    expect(again.raise({ type: 'tamper', reason: 'r151' }).seq).toBe(151);
    // Another controller in the same file has a journal of its own.
    const neighbour = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, flash: banks[0]!.flashFor('dl8-b1-u2-door') });
    expect(neighbour.journalId).not.toBe(journalId);
    expect(neighbour.headSeq()).toBe(0);

    again.factoryReset();
    expect(again.journalId).not.toBe(journalId);
    expect(again.headSeq()).toBe(0);
    const resetId = again.journalId;
    await again.close();
    banks.pop()!.close();
    // The reset is what the flash now holds.
    const afterReset = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, flash: openBank(path).flashFor(DOOR_ID) });
    expect(afterReset.journalId).toBe(resetId);
    expect(afterReset.headSeq()).toBe(0);

    const elsewhere = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, flash: openBank(join(dir, 'other.db')).flashFor(DOOR_ID) });
    expect(elsewhere.journalId).not.toBe(resetId);
  });

  it('a driver connected across the restart warns of no journal change and loses or repeats no event; a real reset still warns', async () => {
    dir = mkdtempSync(join(tmpdir(), 'oc-door-flash-'));
    const path = join(dir, 'controller.db');
    const warnings: string[] = [];
    const driverLogger = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(String((JSON.parse(line) as { msg: unknown }).msg)) });
    rig = await DoorRig.start({ sim: { flash: openBank(path).flashFor(DOOR_ID) }, driverLogger });
    const tampers = () => rig!.events(['tamper']).map((e) => e.data.reason);
    for (let i = 1; i <= 5; i++) rig.sim.raise({ type: 'tamper', reason: `r${i}` });
    await rig.until(() => tampers().length >= 5);

    const { port, journalId } = rig.sim;
    await rig.sim.close();
    banks.pop()!.close();
    rig.sim = new DoorControllerSimulator({ password: CONTROLLER_PASSWORD, keepaliveMs: 100, port, flash: openBank(path).flashFor(DOOR_ID) });
    expect(rig.sim.journalId).toBe(journalId);
    await rig.sim.start();
    for (let i = 6; i <= 10; i++) rig.sim.raise({ type: 'tamper', reason: `r${i}` });
    await rig.until(() => tampers().length >= 10);
    expect(tampers()).toEqual(Array.from({ length: 10 }, (_, i) => `r${i + 1}`));
    expect(warnings.filter((m) => JOURNAL_CHANGED.test(m))).toEqual([]);

    // The warning is still there for what it is meant for.
    rig.sim.factoryReset();
    rig.sim.raise({ type: 'tamper', reason: 'after-reset' });
    await rig.until(() => tampers().includes('after-reset'));
    expect(warnings.filter((m) => JOURNAL_CHANGED.test(m))).toHaveLength(1);
    expect(tampers()).toHaveLength(11);
  });
});
