import type { DispatchPlanner } from './alerting/domain/dispatch/planner.ts';

/** One sign-in the start-up summary offers: where, as whom, and why that person. */
export interface SignInHint {
  login: string;
  password: string;
  /** `Chen Gang, guard on shift until 12-08 08:00 (UTC+08:00)` */
  who: string;
}

/** The demo users file's rule (services/api/reference/users.yaml): every password is the login and `-demo`. */
const demo = (login: string): { login: string; password: string } => ({ login, password: `${login}-demo` });

/** `12-08 08:00` in the zone `offsetMin` east of UTC: the roster's local time, whatever zone the machine has. */
export function localStamp(ms: number, offsetMin: number): string {
  const iso = new Date(ms + offsetMin * 60_000).toISOString();
  return `${iso.slice(5, 10)} ${iso.slice(11, 16)}`;
}

const zoneName = (offsetMin: number): string => {
  const abs = Math.abs(offsetMin);
  return `UTC${offsetMin < 0 ? '-' : '+'}${String(Math.floor(abs / 60)).padStart(2, '0')}:${String(abs % 60).padStart(2, '0')}`;
};

/**
 * Sign-ins that work at `now` with the demo users: the duty desk (an operator may sign in
 * at any hour), and for the phone page the guard on shift now whom the desk's Dispatch
 * picks first for the forced door (a security ticket) on a fresh site, so the phone has
 * that ticket to show once the desk dispatches it. Undefined for the phone when no guard
 * is on duty (a roster without 24-hour security).
 */
export function demoSignInHints(planner: DispatchPlanner, now: number, utcOffsetMin: number): { desk: SignInHint; phone: SignInHint | undefined } {
  const desk = { ...demo('desk'), who: 'the duty desk operator' };
  const guard = planner.chooseAssignee('security', undefined, now, new Map());
  const member = guard && planner.staff(guard.staffId);
  if (!guard || !member) return { desk, phone: undefined };
  const slot = member.scheduleId ? planner.shiftAt(now, member.scheduleId) : undefined;
  const until = slot ? ` until ${localStamp(slot.endsAt, utcOffsetMin)} (${zoneName(utcOffsetMin)})` : '';
  return { desk, phone: { ...demo(member.id), who: `${member.name.en} (${member.name.zh}), guard on shift now${until}` } };
}
