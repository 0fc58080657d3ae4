/**
 * Alerts in, work out (issue 14): every rule fire is recorded as an alert; only what the
 * routing decides becomes a ticket, a child line of a grouped incident (the storm), or
 * evidence on another ticket (the outage, a nearby door incident, the night's digest).
 * Runs inside the service's transaction; the service owns the plain ticket path (one open
 * ticket per fingerprint, silences, reopening) and hands it in as `ops`.
 */
import { recordSignal, type Alert, type AlertDisposition } from './domain/alerts/alert.ts';
import { digestSignal, stormSignal, type CompoundFacts } from './domain/alerts/incidents.ts';
import { NEARBY_INCIDENT_TYPES, isManholeTicket, routeFire, type Route, type RoutingFacts } from './domain/alerts/routing.ts';
import { fingerprintOf, type AlertSignal, type Observation } from './domain/model.ts';
import type { RuleEngine } from './domain/rules/engine.ts';
import type { RuleSettings } from './domain/rules/settings.ts';
import { autoDispatch, nearestOnShift } from './domain/tickets/auto-dispatch.ts';
import { attachEvidence, setParent, upsertChildLine } from './domain/tickets/grouping.ts';
import { resolveHeldClear } from './domain/tickets/signals.ts';
import type { Change, ChildLine, EvidenceItem, Ticket, TicketContext, TimelineEntry } from './domain/tickets/types.ts';
import type { AlertingTx } from './store/alerting-store.ts';
import type { Silence } from './domain/silences.ts';

type Tx = AlertingTx<Ticket, TimelineEntry, Silence>;

/** What the desk needs of the service, bound to one transaction's output. */
export interface DeskOps<O> {
  ctx(tx: Tx): TicketContext;
  save(tx: Tx, previousVersion: number | undefined, change: Change, out: O): void;
  /** The plain ticket path: attach to the open ticket of the fingerprint, reopen, or open one (silences apply). */
  ticketPath(tx: Tx, signal: AlertSignal, obs: Observation | undefined, out: O): Ticket | undefined;
  alertChanged(alert: Alert, out: O): void;
}

export class AlertDesk<O> {
  constructor(
    private readonly engine: RuleEngine,
    private readonly ops: DeskOps<O>,
  ) {}

  /** The settings a signal is judged by: its device's, or its compound's for a group. */
  settingsFor(signal: AlertSignal): RuleSettings | undefined {
    const deviceId = signal.subject.deviceId;
    if (deviceId !== undefined && this.engine.knows(deviceId)) return this.engine.settingsOf(deviceId);
    return this.engine.compound(signal.subject.compoundId)?.settings;
  }

  /** Records the signal as an alert and sends it where it belongs. */
  handle(tx: Tx, signal: AlertSignal, obs: Observation | undefined, now: number, out: O): void {
    const settings = this.settingsFor(signal);
    // A signal from outside the site's rules (a report, a hand-built test signal): the plain ticket path.
    if (settings === undefined) {
      this.ops.ticketPath(tx, signal, obs, out);
      return;
    }
    const alert = recordSignal(tx.currentAlert(signal.fingerprint), signal, now, settings.tickets[signal.alertType].when);
    if (alert) this.putAlert(tx, alert, out);
    if (signal.action === 'clear') {
      this.ops.ticketPath(tx, signal, obs, out);
      if (alert) this.updateChildLine(tx, alert, now, out);
      return;
    }
    if (!alert) return;
    // Already work: an open ticket of the fingerprint takes the fire, or a resolved one reopens.
    const open = tx.openTicket(signal.fingerprint);
    const latest = open ?? tx.latestTicket(signal.fingerprint);
    if (open || (latest && latest.state === 'resolved' && latest.milestones.resolvedAt !== undefined && now - latest.milestones.resolvedAt <= this.ops.ctx(tx).policy.reopenWindowMs)) {
      const ticket = this.ops.ticketPath(tx, signal, obs, out);
      if (ticket) this.dispose(tx, alert, { kind: 'ticket', ticketId: ticket.id }, out);
      return;
    }
    this.follow(tx, alert, routeFire(signal, alert, now, this.facts(tx, signal, settings, now)), obs, now, out);
  }

  /**
   * Timers: alerts whose `when` came due (persisted N minutes, a dark device after the outage's
   * grace), storms that passed, and P1s still without a person.
   */
  tick(tx: Tx, now: number, out: O): void {
    for (const alert of tx.allFiringAlerts()) {
      const d = alert.disposition;
      const waiting = d.kind === 'alert-only' && d.why === 'waiting';
      const inhibited = d.kind === 'evidence' && d.why === 'inhibited';
      if (!waiting && !inhibited) continue;
      const settings = this.settingsFor(alert.signal);
      if (!settings) continue;
      if (inhibited && !this.darkAfterOutage(tx, d.ticketId, settings, now)) continue;
      const facts = this.facts(tx, alert.signal, settings, now);
      // After the outage's grace a still-dark device is judged on its own.
      const route = routeFire(alert.signal, alert, now, inhibited ? { ...facts, outage: undefined } : facts);
      if (route.kind === 'alert-only' || (inhibited && route.kind === 'evidence' && route.ticketId === d.ticketId)) continue;
      this.follow(tx, alert, route, undefined, now, out);
    }
    this.endRecoveredOutages(tx, now, out);
    this.endQuietStorms(tx, now, out);
    for (const ticket of tx.openTickets()) if (ticket.priority === 'P1' && ticket.state === 'open') this.dispatchP1(tx, ticket, now, out);
  }

  private follow(tx: Tx, alert: Alert, route: Route, obs: Observation | undefined, now: number, out: O): void {
    const signal = alert.signal;
    switch (route.kind) {
      case 'alert-only':
        this.dispose(tx, alert, { kind: 'alert-only', why: route.why }, out);
        return;
      case 'ticket': {
        // The rule's accept deadline goes on the ticket it opens.
        const acceptWithinMs = this.settingsFor(signal)?.tickets[signal.alertType].acceptWithinMs;
        const ticket = this.ops.ticketPath(tx, acceptWithinMs === undefined ? signal : { ...signal, acceptWithinMs }, obs, out);
        if (!ticket) return;
        this.dispose(tx, alert, { kind: 'ticket', ticketId: ticket.id }, out);
        this.afterOpen(tx, ticket, route.parentId, now, out);
        return;
      }
      case 'evidence': {
        const target = tx.ticket(route.ticketId);
        if (!target) return;
        this.attach(tx, target, evidenceOf(alert, route.why), now, out);
        this.dispose(tx, alert, { kind: 'evidence', ticketId: target.id, why: route.why }, out);
        return;
      }
      case 'storm-child': {
        const storm = route.stormTicketId !== undefined ? tx.ticket(route.stormTicketId) : this.openStorm(tx, signal, now, out);
        if (!storm) return;
        this.addLine(tx, storm, lineOf(alert, this.engine), now, out);
        this.dispose(tx, alert, { kind: 'child', ticketId: storm.id }, out);
        return;
      }
      case 'digest': {
        const compound = this.compoundFacts(signal.subject.compoundId);
        const settings = this.settingsFor(signal);
        if (!compound || !settings) return;
        const digest = digestSignal(compound, now, settings.camera.utcOffsetMin, signal.eventId);
        // At most one a night: a digest closed by the morning shift still collects that night's bursts.
        const ticket = tx.openTicket(digest.fingerprint) ?? tx.latestTicket(digest.fingerprint) ?? this.ops.ticketPath(tx, digest, undefined, out);
        if (!ticket) return;
        this.attach(tx, ticket, evidenceOf(alert, 'digest', this.engine), now, out);
        if (obs) tx.linkEvent(ticket.id, { eventId: obs.eventId, at: obs.at, body: obs.kind === 'envelope' ? obs.envelope : { deviceId: obs.deviceId } });
        this.dispose(tx, alert, { kind: 'evidence', ticketId: ticket.id, why: 'digest' }, out);
        return;
      }
    }
  }

  /** A new ticket: linked to its storm, the same device's transient alerts as evidence, a P1 sent to a person. */
  private afterOpen(tx: Tx, opened: Ticket, parentId: string | undefined, now: number, out: O): void {
    let ticket = opened;
    if (parentId !== undefined) {
      ticket = this.apply(tx, ticket, setParent(ticket, parentId, now), out);
      const storm = tx.ticket(parentId);
      const deviceId = ticket.subject.deviceId;
      if (storm && deviceId !== undefined) {
        const existing = storm.children?.find((c) => c.deviceId === deviceId);
        const line: ChildLine = existing ? { ...existing, ticketId: ticket.id } : { ...lineOfTicket(ticket, this.engine), ticketId: ticket.id };
        this.addLine(tx, storm, line, now, out);
      }
    }
    const deviceId = ticket.subject.deviceId;
    if (deviceId !== undefined && isManholeTicket(ticket)) {
      const rise = tx.currentAlert(fingerprintOf(ticket.subject.compoundId, deviceId, 'drain.rapid-rise'));
      if (rise && rise.disposition.kind !== 'ticket') ticket = this.attach(tx, ticket, evidenceOf(rise, 'signal'), now, out);
    }
    if (NEARBY_INCIDENT_TYPES.has(ticket.alertType)) ticket = this.collectMotionBefore(tx, ticket, now, out);
    if (ticket.priority === 'P1') this.dispatchP1(tx, ticket, now, out);
  }

  /** A door or tamper incident takes the compound's night motion of the minutes before it (the prowler seen first) as evidence. */
  private collectMotionBefore(tx: Tx, incident: Ticket, now: number, out: O): Ticket {
    const settings = this.settingsFor(signalLike(incident));
    if (!settings) return incident;
    let ticket = incident;
    for (const a of tx.alertsSince(incident.subject.compoundId, 'camera.quiet-hours-motion', now - settings.grouping.nightDigest.nearbyMs)) {
      if (a.disposition.kind !== 'alert-only' || now - a.lastFiredAt > settings.grouping.nightDigest.nearbyMs) continue;
      ticket = this.attach(tx, ticket, evidenceOf(a, 'nearby-incident', this.engine), now, out);
      this.dispose(tx, a, { kind: 'evidence', ticketId: ticket.id, why: 'nearby-incident' }, out);
    }
    return ticket;
  }

  /** Every P1 reaches a person: the nearest qualified on shift once the desk's first say is over (or the unmet duty, said at once). */
  private dispatchP1(tx: Tx, ticket: Ticket, now: number, out: O): void {
    const dispatch = this.settingsFor(signalLike(ticket))?.grouping.dispatch;
    if (!dispatch?.autoDispatchP1) return;
    const ctx = this.ops.ctx(tx);
    let change = autoDispatch(ticket, now, ctx, dispatch.afterMs);
    // Nobody qualified on shift is said at once, not after the desk's moment.
    if (!change && ticket.unmetDuty === undefined && nearestOnShift(ticket, now, ctx, ticket.passedOverStaffIds) === undefined) change = autoDispatch(ticket, now, ctx, 0);
    if (change) this.ops.save(tx, ticket.version, change, out);
  }

  private openStorm(tx: Tx, cause: AlertSignal, now: number, out: O): Ticket | undefined {
    const compound = this.compoundFacts(cause.subject.compoundId);
    const settings = this.settingsFor(cause);
    if (!compound || !settings) return undefined;
    const rising = tx.alertsSince(compound.compoundId, 'drain.rapid-rise', now - settings.grouping.storm.windowMs);
    const storm = this.ops.ticketPath(tx, stormSignal('fire', compound, now, rising.map((a) => a.subject.deviceId ?? '')), undefined, out);
    if (!storm) return undefined;
    this.putAlert(tx, { ...recordSignal(undefined, stormSignal('fire', compound, now, []), now, 'immediately')!, disposition: { kind: 'ticket', ticketId: storm.id } }, out);
    let current = storm;
    // The manholes that rose before the storm was recognised are its first lines.
    for (const a of rising) {
      if (a.fingerprint === cause.fingerprint) continue;
      current = this.addLine(tx, current, lineOf(a, this.engine), now, out);
      this.dispose(tx, a, { kind: 'child', ticketId: storm.id }, out);
    }
    // Manhole tickets already open (one that reached warning before the rest rose) become its children.
    for (const child of tx.openTicketsOf(compound.compoundId, ['drain.level-warning', 'drain.level-critical', 'drain.overflow', 'drain.level'])) {
      if (!isManholeTicket(child) || child.parentId !== undefined) continue;
      this.apply(tx, child, setParent(child, storm.id, now), out);
      current = this.addLine(tx, current, { ...lineOfTicket(child, this.engine), ticketId: child.id }, now, out);
    }
    return current;
  }

  /** A storm over: no manhole rising for the quiet time and no child ticket still being worked. */
  private endQuietStorms(tx: Tx, now: number, out: O): void {
    for (const storm of tx.openTickets()) {
      if (storm.alertType !== 'site.storm' || !storm.conditionActive) continue;
      const compound = this.compoundFacts(storm.subject.compoundId);
      const settings = this.settingsFor(signalLike(storm));
      if (!compound || !settings) continue;
      const recent = tx.alertsSince(compound.compoundId, 'drain.rapid-rise', now - settings.grouping.storm.quietMs);
      if (recent.length > 0) continue;
      const lastLine = Math.max(storm.openedAt, ...(storm.children ?? []).map((c) => c.lastAt));
      if (now - lastLine < settings.grouping.storm.quietMs) continue;
      if (tx.openTickets().some((t) => t.parentId === storm.id)) continue;
      this.handle(tx, stormSignal('clear', compound, now, []), undefined, now, out);
    }
  }

  /** An outage over for its dark grace resolves itself: by now the devices still dark have their own tickets. */
  private endRecoveredOutages(tx: Tx, now: number, out: O): void {
    for (const outage of tx.openTickets().filter((t) => t.alertType === 'site.mass-outage')) {
      const settings = this.settingsFor(signalLike(outage));
      if (!settings || outage.conditionActive || outage.conditionClearedAt === undefined) continue;
      if (now - outage.conditionClearedAt < settings.grouping.outage.darkGraceMs) continue;
      const decision = resolveHeldClear(outage, now);
      if (decision?.ok) this.ops.save(tx, outage.version, decision, out);
    }
  }

  /** An inhibited alert's device is still dark `darkGraceMs` after its outage ended. */
  private darkAfterOutage(tx: Tx, outageTicketId: string, settings: RuleSettings, now: number): boolean {
    const outage = tx.ticket(outageTicketId);
    if (!outage) return true;
    if (outage.conditionActive) return false;
    return outage.conditionClearedAt !== undefined && now - outage.conditionClearedAt >= settings.grouping.outage.darkGraceMs;
  }

  private facts(tx: Tx, signal: AlertSignal, settings: RuleSettings, now: number): RoutingFacts {
    const compoundId = signal.subject.compoundId;
    const outage = tx.openTicketsOf(compoundId, ['site.mass-outage']).find((t) => t.conditionActive);
    const storm = tx.openTicketsOf(compoundId, ['site.storm'])[0];
    let risingManholes = 0;
    if (signal.alertType === 'drain.rapid-rise') {
      const rising = tx.alertsSince(compoundId, 'drain.rapid-rise', now - settings.grouping.storm.windowMs);
      risingManholes = new Set(rising.map((a) => a.subject.deviceId)).size;
    }
    let nearbyIncident: Ticket | undefined;
    let digest: Ticket | undefined;
    if (signal.alertType === 'camera.quiet-hours-motion') {
      nearbyIncident = tx
        .openTicketsOf(compoundId, [...NEARBY_INCIDENT_TYPES])
        .find((t) => Math.abs(now - t.lastFiredAt) <= settings.grouping.nightDigest.nearbyMs);
      const compound = this.compoundFacts(compoundId);
      const fingerprint = compound && digestSignal(compound, now, settings.camera.utcOffsetMin, signal.eventId).fingerprint;
      digest = fingerprint === undefined ? undefined : (tx.openTicket(fingerprint) ?? tx.latestTicket(fingerprint));
    }
    return { settings, outage, storm, risingManholes, nearbyIncident, digest };
  }

  private compoundFacts(compoundId: string): CompoundFacts | undefined {
    const c = this.engine.compound(compoundId);
    return c && { communityId: c.communityId, compoundId, name: c.name };
  }

  private addLine(tx: Tx, storm: Ticket, line: ChildLine, now: number, out: O): Ticket {
    const fresh = tx.ticket(storm.id) ?? storm;
    return this.apply(tx, fresh, upsertChildLine(fresh, line, now), out);
  }

  private attach(tx: Tx, target: Ticket, item: EvidenceItem, now: number, out: O): Ticket {
    const fresh = tx.ticket(target.id) ?? target;
    return this.apply(tx, fresh, attachEvidence(fresh, item, now), out);
  }

  private apply(tx: Tx, before: Ticket, decision: ReturnType<typeof setParent>, out: O): Ticket {
    if (!decision.ok) return before;
    this.ops.save(tx, before.version, decision, out);
    return decision.ticket;
  }

  /** A child alert's change (a manhole's rise fell back) shows on its storm line. */
  private updateChildLine(tx: Tx, alert: Alert, now: number, out: O): void {
    if (alert.disposition.kind !== 'child') return;
    const storm = tx.ticket(alert.disposition.ticketId);
    const line = storm?.children?.find((c) => c.alertId === alert.id);
    if (!storm || !line) return;
    this.addLine(tx, storm, { ...line, alertState: alert.state, lastAt: now }, now, out);
  }

  private dispose(tx: Tx, alert: Alert, disposition: AlertDisposition, out: O): void {
    const current = tx.currentAlert(alert.fingerprint);
    const base = current && current.id === alert.id ? current : alert;
    if (JSON.stringify(base.disposition) === JSON.stringify(disposition)) return;
    this.putAlert(tx, { ...base, disposition }, out);
  }

  private putAlert(tx: Tx, alert: Alert, out: O): void {
    tx.putAlert(alert);
    this.ops.alertChanged(alert, out);
  }
}

/** Enough of a signal to find a ticket's settings. */
const signalLike = (t: Ticket): AlertSignal => ({ subject: t.subject, alertType: t.alertType }) as AlertSignal;

function lineOf(alert: Alert, engine: RuleEngine): ChildLine {
  const deviceId = alert.subject.deviceId ?? alert.subject.groupId ?? alert.subject.compoundId;
  const name = engine.device(deviceId)?.name ?? { zh: deviceId, en: deviceId };
  return { deviceId, name, alertId: alert.id, alertType: alert.alertType, alertState: alert.state, firstAt: alert.startedAt, lastAt: alert.lastFiredAt, summary: alert.summary };
}

function lineOfTicket(t: Ticket, engine: RuleEngine): ChildLine {
  const deviceId = t.subject.deviceId ?? t.subject.compoundId;
  const name = engine.device(deviceId)?.name ?? { zh: deviceId, en: deviceId };
  return { deviceId, name, alertId: `${t.fingerprint}@${t.openedAt}`, alertType: t.alertType, alertState: t.conditionActive ? 'firing' : 'resolved', firstAt: t.openedAt, lastAt: t.lastFiredAt, summary: t.title };
}

function evidenceOf(alert: Alert, why: EvidenceItem['why'], engine?: RuleEngine): EvidenceItem {
  const d = alert.signal.details;
  const deviceId = alert.subject.deviceId;
  const facts: Record<string, unknown> = {};
  for (const k of ['zone', 'localTime', 'snapshotUri', 'confidence', 'reasons'] as const) if (d[k] !== undefined) facts[k] = d[k];
  if (deviceId !== undefined && engine) {
    const device = engine.device(deviceId);
    if (device) facts.camera = device.name;
  }
  return { alertId: alert.id, alertType: alert.alertType, ...(deviceId !== undefined ? { deviceId } : {}), at: alert.lastFiredAt, summary: alert.summary, why, ...(Object.keys(facts).length > 0 ? { facts } : {}) };
}
