/**
 * Where a fire goes when no ticket of its own is open yet (issue 14), like Alertmanager's
 * group_by and inhibit rules in a property desk's terms:
 * - inhibition: while the compound has a mass outage, a dark device's offline, video-loss and
 *   stale-sensor alerts are evidence on the outage ticket, not tickets (a forced door is not
 *   inhibited: it still opens its P1);
 * - storm grouping: manholes rising fast in one compound become child lines of ONE storm
 *   incident; a manhole's own drain ticket (warning, high, overflow) is linked to it;
 * - night motion: quiet-hours motion joins a nearby door or tamper incident as evidence, or
 *   the compound's one digest ticket of the night, which opens when a camera sees someone
 *   linger (residents walking home stay alerts on the strip);
 * - otherwise the rule's `when` decides: a ticket now, or an alert for now.
 * Pure: the service gathers the facts inside its transaction.
 */
import type { AlertSignal, AlertType } from '../model.ts';
import type { RuleSettings } from '../rules/settings.ts';
import type { Ticket } from '../tickets/types.ts';
import { ticketDue, waitingWhy, type Alert } from './alert.ts';

export type Route =
  | { kind: 'ticket'; parentId?: string }
  | { kind: 'alert-only'; why: 'transient' | 'waiting' | 'never' }
  | { kind: 'evidence'; ticketId: string; why: 'inhibited' | 'nearby-incident' }
  /** A line of the compound's storm incident; `stormTicketId` undefined: the storm incident opens now. */
  | { kind: 'storm-child'; stormTicketId: string | undefined }
  | { kind: 'digest' };

export interface RoutingFacts {
  settings: RuleSettings;
  /** The compound's open mass-outage ticket while its condition holds. */
  outage: Ticket | undefined;
  /** The compound's open storm incident. */
  storm: Ticket | undefined;
  /** Distinct manholes of the compound whose rapid rise fired within the storm window, this one included. */
  risingManholes: number;
  /** An open door or tamper incident of the compound that fired within the nearby window of this motion. */
  nearbyIncident: Ticket | undefined;
  /** The compound's digest ticket of this night, once someone lingering opened it. */
  digest: Ticket | undefined;
}

/** A dark device says these while the power or network is out; the outage ticket explains them all. */
const INHIBITED_BY_OUTAGE: ReadonlySet<AlertType> = new Set(['device.offline', 'camera.video-loss']);

/** Incidents night motion may belong to. */
export const NEARBY_INCIDENT_TYPES: ReadonlySet<AlertType> = new Set(['door.forced-open', 'door.tamper', 'camera.tamper', 'door.held-open']);

/** A manhole's own drainage ticket (its level: warning, high, overflowing), not the speed of its rise. */
export const isManholeTicket = (s: Pick<AlertSignal, 'alertType' | 'category' | 'subject'>): boolean =>
  s.category === 'drainage' && s.subject.deviceId !== undefined && s.alertType !== 'drain.rapid-rise';

export function isInhibitedByOutage(signal: AlertSignal): boolean {
  if (INHIBITED_BY_OUTAGE.has(signal.alertType)) return true;
  // A sensor gone quiet (no readings) is a dark device; a stuck or out-of-range one is its own fault.
  if (signal.alertType !== 'drain.sensor-fault') return false;
  const reasons = signal.details.reasons;
  return Array.isArray(reasons) && reasons.length > 0 && reasons.every((r) => r === 'stale');
}

export function routeFire(signal: AlertSignal, alert: Alert, now: number, f: RoutingFacts): Route {
  if (f.outage !== undefined && isInhibitedByOutage(signal)) return { kind: 'evidence', ticketId: f.outage.id, why: 'inhibited' };
  if (signal.alertType === 'drain.rapid-rise') {
    if (f.storm !== undefined) return { kind: 'storm-child', stormTicketId: f.storm.id };
    if (f.risingManholes >= f.settings.grouping.storm.minManholes) return { kind: 'storm-child', stormTicketId: undefined };
  }
  if (signal.alertType === 'camera.quiet-hours-motion') {
    if (f.nearbyIncident !== undefined) return { kind: 'evidence', ticketId: f.nearbyIncident.id, why: 'nearby-incident' };
    // Residents walking home stay alerts on the strip; someone lingering opens (or joins) the night's digest.
    if (f.settings.grouping.nightDigest.enabled) return signal.details.lingering === true || f.digest !== undefined ? { kind: 'digest' } : { kind: 'alert-only', why: 'transient' };
  }
  const when = f.settings.tickets[signal.alertType].when;
  if (!ticketDue(alert, when, now)) return { kind: 'alert-only', why: waitingWhy(when) };
  if (f.storm !== undefined && isManholeTicket(signal)) return { kind: 'ticket', parentId: f.storm.id };
  return { kind: 'ticket' };
}
