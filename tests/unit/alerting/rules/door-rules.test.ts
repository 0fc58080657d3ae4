import { describe, expect, it } from 'vitest';
import type { RuleSettingsOverrides } from '../../../../services/alerting/domain/rules/settings.ts';
import { brief, device, Harness, keepAlive, MIN, SEC, T0, type Step } from './harness.ts';

const DOOR = device('dl8-b1-u1-door');

const ev = (atS: number, type: string, data: Record<string, unknown> = {}): Step => ({ at: T0 + atS * SEC, device: DOOR.deviceId, type, data });
const denied = (atS: number, card = `card-${atS}`) => ev(atS, 'access.denied', { cardHash: card, reader: 'in', reason: 'expired' });
const tick = (atS: number): Step => ({ tick: T0 + atS * SEC });
const door = (action: string, type: string, atS: number) => `${action} ${type} ${DOOR.deviceId} @${atS}s`;

describe('door rules', () => {
  const cases: { name: string; steps: Step[]; expected: string[] }[] = [
    {
      name: 'forced open fires; a second alarm before the door closes is the same break-in; door.closed clears',
      steps: [ev(0, 'door.opened', { cause: 'forced' }), ev(0, 'door.forced-open', { reason: 'opened-without-grant' }), ev(5, 'door.forced-open'), ev(15, 'door.closed', { openSeconds: 15 })],
      expected: [door('fire', 'door.forced-open', 0), door('clear', 'door.forced-open', 15)],
    },
    {
      name: 'held open fires and clears on door.closed',
      steps: [ev(0, 'access.granted', { cardHash: 'a', reader: 'in' }), ev(1, 'door.opened', { cause: 'grant' }), ev(31, 'door.held-open', { openSeconds: 30, thresholdSeconds: 30 }), ev(95, 'door.closed', { openSeconds: 94 })],
      expected: [door('fire', 'door.held-open', 31), door('clear', 'door.held-open', 95)],
    },
    {
      name: 'forced and then left open: the break-in is the one ticket, neither the alarm nor the timer adds a held-open',
      steps: [ev(0, 'door.opened', { cause: 'forced' }), ev(0, 'door.forced-open'), ev(30, 'door.held-open', { openSeconds: 30, thresholdSeconds: 30 }), tick(90), ev(100, 'door.closed', { openSeconds: 100 })],
      expected: [door('fire', 'door.forced-open', 0), door('clear', 'door.forced-open', 100)],
    },
    {
      name: 'held open, then forced while open: both stand, one door.closed clears both',
      steps: [ev(0, 'door.opened', { cause: 'grant' }), ev(31, 'door.held-open', { openSeconds: 30, thresholdSeconds: 30 }), ev(40, 'door.forced-open'), ev(50, 'door.closed', { openSeconds: 50 })],
      expected: [door('fire', 'door.held-open', 31), door('fire', 'door.forced-open', 40), door('clear', 'door.forced-open', 50), door('clear', 'door.held-open', 50)],
    },
    { name: 'an ordinary door.closed with nothing open raises nothing', steps: [ev(0, 'door.opened'), ev(5, 'door.closed', { openSeconds: 5 })], expected: [] },
    { name: '4 denied cards in 2 min are not enough', steps: [denied(0), denied(20), denied(40), denied(60), tick(60 * 20)], expected: [] },
    {
      name: '5 denied within 2 min fire once; more denials hold it; 10 quiet minutes after the last one clear it',
      steps: [denied(0), denied(20), denied(40), denied(60), denied(80), denied(100), tick(100 + 599), tick(100 + 600), tick(100 + 1200)],
      expected: [door('fire', 'door.repeated-denied', 80), door('clear', 'door.repeated-denied', 700)],
    },
    { name: '5 denied spread over 4 min are ordinary expired renters’ cards', steps: [denied(0), denied(60), denied(120), denied(180), denied(240)], expected: [] },
    {
      name: 'flapping denials: fire, clear after the quiet window, fire again on a new burst',
      steps: [denied(0), denied(10), denied(20), denied(30), denied(40), tick(700), denied(800), denied(810), denied(820), denied(830), denied(840)],
      expected: [door('fire', 'door.repeated-denied', 40), door('clear', 'door.repeated-denied', 700), door('fire', 'door.repeated-denied', 840)],
    },
    {
      name: 'each tamper report fires (no controller reports its end); nothing clears it but a person',
      steps: [ev(0, 'tamper', { reason: 'enclosure-opened' }), ev(30, 'door.closed', { openSeconds: 2 }), tick(3600), ev(3700, 'tamper', { reason: 'enclosure-opened' })],
      expected: [door('fire', 'door.tamper', 0), door('fire', 'door.tamper', 3700)],
    },
  ];
  it.each(cases)('$name', ({ steps, expected }) => {
    expect(new Harness([DOOR]).run(keepAlive(steps, [DOOR.deviceId])).map(brief)).toEqual(expected);
  });

  it('classifies as the issue says: forced open P1 security for a person to check, held open P3 auto-resolving', () => {
    const h = new Harness([DOOR]);
    const signals = h.run([ev(0, 'door.forced-open'), ev(10, 'door.closed'), ev(20, 'door.held-open', { openSeconds: 30, thresholdSeconds: 30 }), ev(40, 'door.closed'), ev(50, 'tamper'), ...[60, 61, 62, 63, 64].map((s) => denied(s, 'same-card'))]);
    const traits = Object.fromEntries(signals.filter((s) => s.action === 'fire').map((s) => [s.alertType, [s.category, s.priority, s.autoResolve]]));
    expect(traits).toEqual({
      'door.forced-open': ['security', 'P1', false],
      'door.held-open': ['access-control', 'P3', true],
      'door.tamper': ['security', 'P2', false],
      'door.repeated-denied': ['security', 'P2', false],
    });
    const repeated = signals.find((s) => s.alertType === 'door.repeated-denied')!;
    expect(repeated.details).toMatchObject({ deniedCount: 5, distinctCards: 1 });
    expect(repeated.summary.zh).toContain('1号楼1单元');
    expect(repeated.summary.en).toContain('Building 1 Unit 1');
  });

  describe('held open by the site\'s own threshold (door.heldOpenMs, default 60 s), with or without a controller alarm', () => {
    const timerCases: { name: string; steps: Step[]; expected: string[]; overrides?: RuleSettingsOverrides }[] = [
      {
        name: 'no controller alarm: 59 s open is fine, 60 s fires, door.closed clears',
        steps: [ev(0, 'door.opened', { cause: 'grant' }), tick(59), tick(60), tick(75), ev(90, 'door.closed', { openSeconds: 90 }), tick(200)],
        expected: [door('fire', 'door.held-open', 60), door('clear', 'door.held-open', 90)],
      },
      {
        name: 'a door closed in time raises nothing, and the next opening starts a fresh timer',
        steps: [ev(0, 'door.opened'), ev(30, 'door.closed', { openSeconds: 30 }), tick(70), ev(100, 'door.opened'), ev(101, 'door.opened'), tick(159), tick(160)],
        expected: [door('fire', 'door.held-open', 160)],
      },
      {
        name: 'a controller alarm sooner than the threshold fires at once; the timer then adds nothing',
        steps: [ev(0, 'door.opened'), ev(30, 'door.held-open', { openSeconds: 30, thresholdSeconds: 30 }), tick(60), tick(120), ev(130, 'door.closed', { openSeconds: 130 })],
        expected: [door('fire', 'door.held-open', 30), door('clear', 'door.held-open', 130)],
      },
      {
        name: 'per device: this door may stand open 5 min (loading bay)',
        overrides: { devices: { [DOOR.deviceId]: { door: { heldOpenMs: 5 * MIN } } } },
        steps: [ev(0, 'door.opened'), tick(60), tick(299), tick(300), ev(310, 'door.closed')],
        expected: [door('fire', 'door.held-open', 300), door('clear', 'door.held-open', 310)],
      },
      {
        name: 'per site: 20 s everywhere',
        overrides: { site: { door: { heldOpenMs: 20 * SEC } } },
        steps: [ev(0, 'door.opened'), tick(19), tick(20), ev(25, 'door.closed')],
        expected: [door('fire', 'door.held-open', 20), door('clear', 'door.held-open', 25)],
      },
    ];
    it.each(timerCases)('$name', ({ steps, expected, overrides }) => {
      expect(new Harness([DOOR], overrides).run(keepAlive(steps, [DOOR.deviceId])).map(brief)).toEqual(expected);
    });

    it('says how long and against which threshold; a bad threshold is refused by name', () => {
      const fire = new Harness([DOOR]).run([ev(0, 'door.opened'), tick(65)]).find((s) => s.alertType === 'door.held-open')!;
      expect(fire.details).toMatchObject({ openSeconds: 65, thresholdSeconds: 60 });
      expect(fire.autoResolve).toBe(true);
      expect(() => new Harness([DOOR], { site: { door: { heldOpenMs: 0 } } })).toThrow(/door\.heldOpenMs/);
    });
  });

  it('counts denials by device time: a queue flushed after a reconnect keeps its real spacing', () => {
    const h = new Harness([DOOR]);
    // Five denials spread over 10 min of device time, delivered within one second after a reconnect.
    const steps: Step[] = [0, 1, 2, 3, 4].map((i) => ({ at: T0 + 20 * MIN + i * 100, deviceTs: T0 + i * 150 * SEC, device: DOOR.deviceId, type: 'access.denied', data: { cardHash: `c${i}` } }));
    expect(h.run(steps)).toEqual([]);
  });
});
