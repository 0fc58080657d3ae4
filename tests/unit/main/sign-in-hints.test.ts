/**
 * The start-up summary's sign-ins work at the hour it is printed: the phone user it names
 * is on shift at that moment, whatever the hour or the machine's zone, and the demo users
 * file lets them in with the password shown.
 */
import { describe, expect, it } from 'vitest';
import { DispatchPlanner } from '../../../services/alerting/domain/dispatch/planner.ts';
import { loadRoster } from '../../../services/alerting/roster-file.ts';
import { verifyPassword } from '../../../services/api/auth/password-hash.ts';
import { loadUsers, REFERENCE_USERS_PATH } from '../../../services/api/auth/users-file.ts';
import { demoSignInHints, localStamp } from '../../../services/sign-in-hints.ts';

const roster = loadRoster();
const planner = new DispatchPlanner(roster);
const users = loadUsers(REFERENCE_USERS_PATH, roster);

describe('sign-in hints of the start-up summary', () => {
  it.each(['2026-12-07T03:00:00+08:00', '2026-12-07T07:59:00+08:00', '2026-12-07T08:00:00+08:00', '2026-12-07T15:00:00+08:00', '2026-12-07T23:55:00+08:00'])(
    'at %s name a guard on shift then, whose demo sign-in works',
    async (at) => {
      const now = Date.parse(at);
      const { desk, phone } = demoSignInHints(planner, now, 480);
      expect(phone).toBeDefined();
      expect(planner.onDuty(now, 'security').map((m) => m.id)).toContain(phone!.login);
      for (const hint of [desk, phone!]) {
        const entry = users.find(hint.login);
        expect(entry, hint.login).toBeDefined();
        expect(await verifyPassword(hint.password, entry!.passwordHash), `${hint.login} / ${hint.password}`).toBe(true);
      }
      expect(users.find(phone!.login)!.user.role).toBe('staff');
      expect(users.find(desk.login)!.user.role).toBe('operator');
      // The shift's end in the roster's local time, at the 08:00 handover.
      expect(phone!.who).toMatch(/guard on shift now until \d\d-\d\d 08:00 \(UTC\+08:00\)$/);
    },
  );

  it('writes local time in the roster zone, not the machine zone', () => {
    expect(localStamp(Date.parse('2026-12-07T16:30:00Z'), 480)).toBe('12-08 00:30');
  });
});
