/**
 * Alerts are signals; tickets are work for a person (issue 14). Every fire of a rule is
 * recorded as an alert (firing until its clear), whether or not it opens a ticket; a ticket
 * opens only when the rule's `when` says so or a grouped incident takes it in. Plain data.
 */
import type { AlertSignal, AlertType, Bilingual, Priority, Subject } from '../model.ts';
import type { TicketWhen } from '../rules/ticketing-settings.ts';

export const ALERT_STATES = ['firing', 'resolved'] as const;
export type AlertState = (typeof ALERT_STATES)[number];

/** What became of an alert: its own ticket, a line of a grouped incident, evidence on another ticket, or nothing (yet). */
export type AlertDisposition =
  | { kind: 'alert-only'; why: 'transient' | 'waiting' | 'never' }
  | { kind: 'ticket'; ticketId: string }
  | { kind: 'child'; ticketId: string }
  | { kind: 'evidence'; ticketId: string; why: 'inhibited' | 'nearby-incident' | 'digest' }
  | { kind: 'silenced'; silenceId: string };

export interface Alert {
  /** One firing episode of a fingerprint: `${fingerprint}@${startedAt}`. */
  id: string;
  fingerprint: string;
  alertType: AlertType;
  priority: Priority;
  subject: Subject;
  state: AlertState;
  /** Service time the episode started (first fire) and last fired. */
  startedAt: number;
  lastFiredAt: number;
  resolvedAt?: number;
  updatedAt: number;
  /** Fires of this fingerprint within the rule's occurrence window (across episodes), oldest first. */
  recentFires: number[];
  summary: Bilingual;
  /** The last fire as the rule emitted it, so a later tick can turn it into a ticket. */
  signal: AlertSignal;
  disposition: AlertDisposition;
}

export const alertIdOf = (fingerprint: string, startedAt: number): string => `${fingerprint}@${startedAt}`;

/** Fires kept for `occurrences`: enough for any K the settings allow to be counted, bounded. */
const FIRES_KEPT = 100;

/**
 * The alert after a signal. A fire on a resolved (or no) alert starts a new episode that keeps
 * the fingerprint's recent fires; a clear resolves the firing one (nothing to resolve: undefined).
 */
export function recordSignal(previous: Alert | undefined, signal: AlertSignal, now: number, when: TicketWhen): Alert | undefined {
  if (signal.action === 'clear') {
    if (!previous || previous.state !== 'firing') return undefined;
    return { ...previous, state: 'resolved', resolvedAt: now, updatedAt: now };
  }
  const windowMs = typeof when === 'object' && 'occurrences' in when ? when.occurrences.withinMinutes * 60_000 : 0;
  const fires = [...(previous?.recentFires ?? []).filter((t) => windowMs > 0 && now - t < windowMs), now].slice(-FIRES_KEPT);
  if (previous && previous.state === 'firing') {
    return { ...previous, alertType: signal.alertType, lastFiredAt: now, updatedAt: now, recentFires: fires, signal, summary: signal.summary, priority: signal.priority };
  }
  return {
    id: alertIdOf(signal.fingerprint, now),
    fingerprint: signal.fingerprint,
    alertType: signal.alertType,
    priority: signal.priority,
    subject: signal.subject,
    state: 'firing',
    startedAt: now,
    lastFiredAt: now,
    updatedAt: now,
    recentFires: fires,
    summary: signal.summary,
    signal,
    disposition: { kind: 'alert-only', why: 'transient' },
  };
}

/** Does the rule's `when` make this firing alert a ticket at `now`? */
export function ticketDue(alert: Alert, when: TicketWhen, now: number): boolean {
  if (alert.state !== 'firing') return false;
  if (when === 'immediately') return true;
  if (when === 'never') return false;
  if ('afterMinutes' in when) return now - alert.startedAt >= when.afterMinutes * 60_000;
  const since = now - when.occurrences.withinMinutes * 60_000;
  return alert.recentFires.filter((t) => t > since).length >= when.occurrences.count;
}

/** Why an alert that is not (yet) a ticket stays one, for the desk's strip. */
export function waitingWhy(when: TicketWhen): 'waiting' | 'never' | 'transient' {
  if (when === 'never') return 'never';
  return typeof when === 'object' ? 'waiting' : 'transient';
}
