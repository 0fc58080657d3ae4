import { describe, expect, it } from 'vitest';
import { pseudonymiseCard } from '../../../edge-agent/card-pseudonym.ts';
import { DoorModel, type DoorModelOptions } from '../../../simulators/models/door.ts';
import type { DeviceOutput } from '../../../simulators/models/model.ts';
import { createRng } from '../../../simulators/prng.ts';
import { device, jinan } from './fixtures.ts';

const KEY = 'test-site-key';
const START = jinan('2026-07-15T00:00:00');
const DAY = 24 * 3600_000;

function door(id = 'dl8-b1-u1-door', extra: Partial<DoorModelOptions> = {}, seed = 1): DoorModel {
  return new DoorModel({ device: device(id), rng: createRng(seed), siteKey: KEY, startMs: START, ...extra });
}

function runInSteps(model: DoorModel, until: number, stepMs: number): DeviceOutput[] {
  const out: DeviceOutput[] = [];
  for (let t = START + stepMs; t < until; t += stepMs) out.push(...model.advance(t));
  out.push(...model.advance(until));
  return out;
}

/** Passages (a card presented or the exit button) per local hour of day. */
function passagesByHour(outputs: DeviceOutput[]): number[] {
  const hours = new Array<number>(24).fill(0);
  for (const o of outputs) {
    if (o.type === 'access.granted' || o.type === 'access.denied' || o.type === 'exit.pressed') {
      hours[Math.floor(((o.at - START) % DAY) / 3600_000)]!++;
    }
  }
  return hours;
}

describe('door model', () => {
  it('replays exactly from a seed, whatever the tick size, and differs with another seed', () => {
    const a = door().advance(START + DAY);
    const b = runInSteps(door(), START + DAY, 7_000);
    const c = door('dl8-b1-u1-door', {}, 2).advance(START + DAY);
    expect(a.length).toBeGreaterThan(100);
    expect(b).toEqual(a);
    expect(c).not.toEqual(a);
  });

  it('follows residents: morning and evening peaks, quiet at night; gates busier than unit doors', () => {
    const week = door().advance(START + 7 * DAY);
    const hours = passagesByHour(week);
    const rate = (from: number, to: number) => hours.slice(from, to).reduce((n, x) => n + x, 0) / (to - from);
    const night = rate(1, 5);
    expect(rate(7, 9)).toBeGreaterThan(4 * night);
    expect(rate(17, 20)).toBeGreaterThan(5 * night);
    const gate = passagesByHour(door('dl8-gate-n-door').advance(START + 7 * DAY)).reduce((n, x) => n + x, 0);
    const unit = hours.reduce((n, x) => n + x, 0);
    expect(gate).toBeGreaterThan(3 * unit);
  });

  it('reports cards only by a stable keyed hash, never the raw number', () => {
    const cards = ['4012345678', '4098765432', '4055555555', '4011112222'];
    const outputs = door('dl8-gate-e-door', { cards, deniedShare: 0.2 }).advance(START + DAY);
    const text = JSON.stringify(outputs);
    for (const raw of cards) expect(text).not.toContain(raw);
    const known = new Set(cards.map((c) => pseudonymiseCard(KEY, c)));
    const granted = outputs.filter((o) => o.type === 'access.granted').map((o) => o.data.cardHash as string);
    expect(granted.length).toBeGreaterThan(50);
    // Every grant is one of the four cards, hashed the same way each time.
    for (const h of granted) expect(known.has(h)).toBe(true);
    expect(new Set(granted).size).toBe(cards.length);
    const denied = outputs.filter((o) => o.type === 'access.denied');
    expect(denied.length).toBeGreaterThan(0);
    for (const o of [...denied, ...outputs.filter((x) => x.type === 'access.granted')]) {
      expect(o.data.cardHash).toMatch(/^[0-9a-f]{16}$/);
      expect(['in', 'out']).toContain(o.data.reader);
    }
    // The key matters: without it the hash cannot be recomputed.
    expect(pseudonymiseCard('another-key', cards[0]!)).not.toBe(pseudonymiseCard(KEY, cards[0]!));
  });

  it('opens only after a grant or the exit button, and every opening closes with its duration', () => {
    const outputs = door('dl8-b2-u3-door').advance(START + DAY);
    let open = false;
    let lastCause = 0;
    for (const o of outputs) {
      if (o.type === 'access.granted' || o.type === 'exit.pressed') lastCause = o.at;
      if (o.type === 'door.opened') {
        expect(open).toBe(false);
        expect(o.at - lastCause).toBeLessThanOrEqual(2000);
        open = true;
      }
      if (o.type === 'door.closed') {
        expect(open).toBe(true);
        expect(o.data.openSeconds).toBeGreaterThanOrEqual(3);
        open = false;
      }
    }
    expect(outputs.some((o) => o.type === 'door.forced-open' || o.type === 'door.held-open' || o.type === 'tamper')).toBe(false);
  });

  it('is forced open at the scripted time, and not otherwise', () => {
    const model = door();
    const at = START + 10_000;
    model.schedule({ do: 'forced-open' }, at);
    const outputs = model.advance(START + 3600_000);
    const forced = outputs.filter((o) => o.type === 'door.forced-open');
    expect(forced.map((o) => o.at)).toEqual([at]);
    const opened = outputs.find((o) => o.type === 'door.opened' && o.at === at);
    expect(opened?.data.cause).toBe('forced');
    const closed = outputs.find((o) => o.type === 'door.closed' && o.at > at);
    expect(closed!.at).toBeGreaterThanOrEqual(at + 15_000);
  });

  it('held open: raises door.held-open after the threshold and closes after the scripted time', () => {
    const model = door('dl8-gate-n-door', { heldOpenAlarmS: 30 });
    const at = START + 20_000;
    model.schedule({ do: 'held-open', durationS: 90 }, at);
    const outputs = model.advance(START + 600_000);
    const held = outputs.filter((o) => o.type === 'door.held-open');
    expect(held.map((o) => o.at)).toEqual([at + 30_000]);
    const closed = outputs.find((o) => o.type === 'door.closed' && o.at > at)!;
    expect(closed.at).toBeGreaterThanOrEqual(at + 90_000);
    expect(closed.data.openSeconds).toBeGreaterThanOrEqual(90);
  });

  it('a short hold raises no held-open alarm', () => {
    const model = door('dl8-b1-u2-door', { heldOpenAlarmS: 30 });
    model.schedule({ do: 'held-open', durationS: 20 }, START + 20_000);
    expect(model.advance(START + 600_000).some((o) => o.type === 'door.held-open')).toBe(false);
  });

  it('reports tamper at the scripted time', () => {
    const model = door();
    model.schedule({ do: 'tamper', reason: 'reader-removed' }, START + 40_000);
    const tamper = model.advance(START + 60_000).filter((o) => o.type === 'tamper');
    expect(tamper).toEqual([{ channel: 'event', type: 'tamper', data: { reason: 'reader-removed' }, at: START + 40_000 }]);
  });
});
