/**
 * The SLA clock the board shows for a ticket: which deadline is running now, how much
 * of it is left, and the tone it is drawn in. Pure, so the countdown can be tested
 * without a browser; the page calls it once a second.
 */
import { BEFORE_ARRIVAL, isActive } from '../../../alerting/domain/tickets/states.ts';
import type { Ticket } from '../api/types.ts';

export type SlaStage = 'acknowledge' | 'arrive' | 'resolve';
/** ok: on time; amber: the last part of the window; red: late. */
export type SlaTone = 'ok' | 'amber' | 'red';

export interface SlaClock {
  stage: SlaStage;
  deadline: number;
  /** Negative once late. */
  remainingMs: number;
  tone: SlaTone;
}

/** Amber for the last quarter of a window, but never for less than this: a minute's warning at least. */
export const AMBER_SHARE = 0.25;
export const AMBER_MIN_MS = 60_000;

type SlaFields = Pick<Ticket, 'state' | 'deadlines' | 'openedAt' | 'milestones'>;

/** The deadline that applies in the ticket's state, as the ticket domain counts breaches. */
export function runningStage(t: SlaFields): SlaStage | undefined {
  if (t.state === 'open') return 'acknowledge';
  if (!isActive(t.state)) return undefined;
  return BEFORE_ARRIVAL.includes(t.state) && t.milestones.arrivedAt === undefined ? 'arrive' : 'resolve';
}

export function slaClock(t: SlaFields, now: number): SlaClock | undefined {
  const stage = runningStage(t);
  if (!stage) return undefined;
  const deadline = stage === 'acknowledge' ? t.deadlines.acknowledgeBy : stage === 'arrive' ? t.deadlines.arriveBy : t.deadlines.resolveBy;
  const remainingMs = deadline - now;
  const windowMs = Math.max(0, deadline - t.openedAt);
  const amberFrom = Math.max(AMBER_MIN_MS, windowMs * AMBER_SHARE);
  const tone: SlaTone = remainingMs <= 0 ? 'red' : remainingMs <= amberFrom ? 'amber' : 'ok';
  return { stage, deadline, remainingMs, tone };
}

/** `9:05`, `1:02:03`; late times keep their sign: `-0:42`. Whole seconds, rounded towards the deadline. */
export function formatCountdown(ms: number): string {
  const late = ms < 0;
  const total = Math.floor(Math.abs(ms) / 1000);
  const h = Math.floor(total / 3600);
  const m = Math.floor((total % 3600) / 60);
  const s = total % 60;
  const body = h > 0 ? `${h}:${String(m).padStart(2, '0')}:${String(s).padStart(2, '0')}` : `${m}:${String(s).padStart(2, '0')}`;
  return late ? `-${body}` : body;
}
