/** The phone page's "my shift": a guard with nothing dispatched learns whether they are on duty, until when, and whom to call. */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ManualClock } from '../../../services/shared/clock.ts';
import { AlertingHarness } from '../../support/alerting-harness.ts';
import { ApiUser } from '../../support/api-user.ts';

const HOUR = 3_600_000;
/** Pinned: 2026-12-07 00:00 in Shanghai; the hours below are found from the roster, not assumed. */
const START = Date.parse('2026-12-07T00:00:00+08:00');
const clock = new ManualClock(START);
let h: AlertingHarness;

beforeAll(async () => {
  h = await AlertingHarness.start(clock);
});
afterAll(async () => h.close());

/** The first hour from START at which Chen Gang (login `guard`) is, or is not, on duty. */
function hourWhen(onDuty: boolean): number {
  for (let i = 0; i < 96; i++) {
    const at = START + i * HOUR;
    if (h.alerting.planner.onDuty(at, 'security').some((m) => m.id === 'chen-gang') === onDuty) return at;
  }
  throw new Error(`chen-gang is never ${onDuty ? 'on' : 'off'} duty in four days`);
}

describe('GET /api/shift/mine', () => {
  it('on duty: the shift in force, team and crew, and the shift supervisor with a number to call', async () => {
    clock.set(hourWhen(true));
    const guard = await ApiUser.signIn(h.api.app, 'guard');
    const res = await guard.get('/api/shift/mine');
    expect(res.statusCode).toBe(200);
    const s = res.json();
    expect(s).toMatchObject({ onDuty: true, team: { id: 'security', name: { zh: '保安队', en: 'Security Guards' } }, crewName: { zh: expect.any(String), en: expect.any(String) } });
    expect(s.current.start).toBeLessThanOrEqual(clock.now());
    expect(s.current.end).toBeGreaterThan(clock.now());
    expect(s.next.start).toBeGreaterThanOrEqual(s.current.end);
    const supervisor = h.alerting.planner.supervisorOnDuty(clock.now())!;
    expect(s.supervisor).toEqual({ name: supervisor.name, phone: supervisor.phone });
  });

  it('off duty: no current shift, and when the next one starts', async () => {
    clock.set(hourWhen(false));
    const guard = await ApiUser.signIn(h.api.app, 'guard');
    const s = (await guard.get('/api/shift/mine')).json();
    expect(s.onDuty).toBe(false);
    expect(s.current).toBeNull();
    expect(s.next.start).toBeGreaterThan(clock.now());
    expect(h.alerting.planner.onDuty(s.next.start, 'security').map((m) => m.id)).toContain('chen-gang');
  });

  it('needs a session', async () => {
    expect((await h.api.app.inject({ url: '/api/shift/mine' })).statusCode).toBe(401);
  });
});
