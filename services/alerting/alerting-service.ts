import { EventEmitter } from 'node:events';
import type { LogRecord } from '../event-log/port.ts';
import type { Clock } from '../shared/clock.ts';
import { deadLetter } from '../shared/dead-letter.ts';
import { clockSkewOf, type ClockSkewLimits } from '../shared/clock-skew.ts';
import { isOcError, type ErrorCode } from '../shared/errors.ts';
import type { Logger } from '../shared/logger.ts';
import { LOG_TOPICS } from '../shared/topics.ts';
import { AlertDesk } from './alert-desk.ts';
import type { Alert } from './domain/alerts/alert.ts';
import type { DispatchPlanner } from './domain/dispatch/planner.ts';
import type { Roster } from './domain/dispatch/types.ts';
import type { RuleSettingsOverrides } from './domain/rules/settings.ts';
import type { AlertSignal, Observation } from './domain/model.ts';
import type { RuleEngine } from './domain/rules/engine.ts';
import { deviceIdOf } from './domain/rules/observations.ts';
import { joinSignal, reportTicketFor } from './domain/reports/intake.ts';
import { findSilence, type Silence } from './domain/silences.ts';
import { applyCommand, applySignal, evaluateTimers, isHeldBy, openFromSignal, returnToDesk, shouldReopen } from './domain/tickets/index.ts';
import type { Change, Command, Decision, Ticket, TicketPolicy, TimelineEntry } from './domain/tickets/types.ts';
import { decodeObservation } from './observation-decoder.ts';
import type { AlertingStore, AlertingTx, DeviceStatus } from './store/alerting-store.ts';
import { ticketContext } from './ticket-context.ts';

export type TicketStore = AlertingStore<Ticket, TimelineEntry, Silence>;
type Tx = AlertingTx<Ticket, TimelineEntry, Silence>;

export interface AlertingServiceOptions {
  store: TicketStore;
  engine: RuleEngine;
  planner: DispatchPlanner;
  policy: TicketPolicy;
  clock: Clock;
  logger: Logger;
  /** Called after each commit that queued messages for the log. */
  onOutgoing?: () => void;
  /** Beyond this a device's timestamp is flagged as clock skew on its status. */
  clockSkew?: ClockSkewLimits;
}

export interface AlertingChanges {
  ticket: [ticket: Ticket, entries: TimelineEntry[]];
  /** An alert fired, resolved or found its place (a ticket, a storm line, evidence). */
  alert: [alert: Alert];
  device: [status: DeviceStatus];
  /** A batch of log records was handled and committed; how many. */
  handled: [count: number];
}

export type CommandResult = Decision | { ok: false; error: { code: 'OC_TICKET_NOT_FOUND'; message: string; currentState: undefined } };

/**
 * Rule-state keys (by fingerprint) of fires a silence held back. The rules fire once when a
 * condition starts, so a condition that outlasts its silence would otherwise never become a
 * ticket; held here, it opens one at the first tick after the silence ends, unless it cleared.
 */
const HELD_BY_SILENCE = 'service:held-by-silence:';

interface HeldFire {
  signal: AlertSignal;
  silenceId: string;
}

/** A condition a silence is holding back, as the desk is shown it. */
export interface HeldBySilence {
  silenceId: string;
  fingerprint: string;
  alertType: AlertSignal['alertType'];
  priority: AlertSignal['priority'];
  deviceId: string | undefined;
  /** Service time it fired. */
  firedAt: number;
  summary: AlertSignal['summary'];
}

/** Attempts at a transaction that lost a race on a fingerprint or a ticket version. */
const CONFLICT_RETRIES = 3;

/**
 * The alerting application: log records in, tickets out. Each batch is one
 * transaction (processed ids, rule state, tickets, timeline, outgoing messages),
 * so a crash at any point either keeps all of a batch or none of it, and a
 * redelivered batch is recognised by its event ids.
 */
export class AlertingService {
  /** Ticket and device changes after they committed; the API's live stream listens here. */
  readonly changes = new EventEmitter<AlertingChanges>();
  private readonly lastAssignedAt = new Map<string, number>();
  private policy: TicketPolicy;
  private readonly desk: AlertDesk<Outbound>;
  suppressedBySilence = 0;

  constructor(private readonly o: AlertingServiceOptions) {
    this.changes.setMaxListeners(0);
    this.desk = new AlertDesk<Outbound>(o.engine, {
      ctx: (tx) => this.context(tx),
      save: (tx, previousVersion, change, out) => this.save(tx, previousVersion, change, out),
      ticketPath: (tx, signal, obs, out) => this.ticketPath(tx, signal, obs, out),
      alertChanged: (alert, out) => void out.alerts.set(alert.id, alert),
    });
    this.policy = o.policy;
  }

  /**
   * A configuration change applied live (an admin's edit, from oc.config): the roster (who is
   * dispatched next), the rule settings, the SLA policy. Tickets already open keep their
   * deadlines and assignment; rule state is kept, so nothing fires twice or reopens.
   */
  reconfigure(change: { roster?: Roster; ruleOverrides?: RuleSettingsOverrides; policy?: TicketPolicy }): void {
    // Rules first: they are the part that can still refuse a value, and then nothing has changed.
    if (change.ruleOverrides) this.o.engine.reconfigureRules(change.ruleOverrides);
    if (change.roster) {
      const kept = new Set(change.roster.staff.map((m) => m.id));
      // Before the planner forgets them, so the desk's timeline still names them.
      for (const m of this.o.planner.roster.staff) if (!kept.has(m.id)) this.returnDispatchesOf(m.id, 'taken off the roster');
      this.o.planner.update(change.roster);
    }
    if (change.policy) this.policy = change.policy;
  }

  /** Every open dispatch a person holds goes back to the desk (a disabled person); the ids of those tickets. */
  returnDispatchesOf(staffId: string, reason: string): string[] {
    return this.run((tx, out) => {
      const now = this.o.clock.now();
      const returned: string[] = [];
      for (const ticket of tx.openTickets()) {
        if (!isHeldBy(ticket, staffId)) continue;
        const decision = returnToDesk(ticket, staffId, now, this.context(tx), reason);
        if (!decision.ok) continue;
        this.save(tx, ticket.version, decision, out);
        returned.push(ticket.id);
      }
      if (returned.length > 0) this.o.logger.info({ staffId, tickets: returned }, 'open dispatches returned to the desk');
      return returned;
    });
  }

  /** The SLA policy in force. */
  get ticketPolicy(): TicketPolicy {
    return this.policy;
  }

  /**
   * Handles one batch from the log; throws (so the batch is redelivered) only if the store fails.
   * A record it cannot use (unreadable, or from a device its site config lacks: another writer
   * on the log, or configs out of step) must not stall the desk nor vanish: it goes to
   * oc.deadletter with the reason, in the batch's transaction.
   */
  handleBatch(records: readonly LogRecord[]): void {
    const observations: Observation[] = [];
    const refused: Refused[] = [];
    for (const record of records) {
      const decoded = this.decode(record);
      if ('code' in decoded) refused.push(decoded);
      else observations.push(decoded);
    }
    if (observations.length > 0 || refused.length > 0) {
      this.run((tx, out) => {
        for (const r of refused) this.deadLetter(tx, r, out);
        for (const obs of observations) this.observe(tx, obs, out);
      });
    }
    this.changes.emit('handled', records.length);
  }

  private decode(record: LogRecord): Observation | Refused {
    let obs: Observation;
    try {
      obs = decodeObservation(record);
    } catch (err) {
      return { record, code: isOcError(err) ? err.code : 'OC_ENVELOPE_INVALID', reason: (err as Error).message };
    }
    const deviceId = deviceIdOf(obs);
    if (this.o.engine.knows(deviceId)) return obs;
    return { record, code: 'OC_ALERTING_UNKNOWN_DEVICE', reason: `${deviceId} is not a device of the alerting service's site config`, deviceId };
  }

  private deadLetter(tx: Tx, r: Refused, out: Outbound): void {
    // Named by its log position, so a redelivered batch does not dead-letter it twice.
    const position = `${r.record.topic}/${r.record.partition}/${r.record.offset}`;
    if (tx.wasProcessed(position)) return;
    tx.markProcessed(position, r.record.timestamp);
    this.o.logger.warn({ code: r.code, reason: r.reason, position }, 'record dead-lettered');
    const letter = deadLetter({ code: r.code, reason: r.reason, clientId: r.deviceId, topic: r.record.topic, payload: r.record.value, receivedAt: r.record.timestamp });
    tx.publish(LOG_TOPICS.deadletter, r.deviceId ?? r.record.key ?? 'unknown', letter);
    out.deadLetters += 1;
  }

  /**
   * Time-based work: rules that wait (offline, stale), SLA deadlines, reminders,
   * accept timeouts. While the service is still catching up on a backlog, the
   * waiting rules sit out: judged by the wall clock, every device not yet read
   * from would look silent.
   */
  tick(options: { catchingUp?: boolean } = {}): void {
    this.run((tx, out) => {
      const now = this.o.clock.now();
      if (!options.catchingUp) for (const signal of this.o.engine.tick(tx.ruleState, now)) this.applySignal(tx, signal, undefined, out);
      // Not while catching up: the backlog not yet read may hold the clear of a held fire.
      if (!options.catchingUp) this.releaseHeldFires(tx, now, out);
      // Alerts whose time came (persisted, dark after an outage), storms that passed, P1s without a person.
      if (!options.catchingUp) this.desk.tick(tx, now, out);
      const ctx = this.context(tx);
      for (const ticket of tx.openTickets()) {
        const change = evaluateTimers(ticket, now, ctx);
        if (change) this.save(tx, ticket.version, change, out);
      }
      // Resolved tickets wait for staff to close them, but deadlines of resolved ones do not run.
    });
  }

  /**
   * What silences hold back right now: conditions that fired while silenced and have not
   * cleared, each of which opens its ticket when its silence ends. The desk sees what a
   * maintenance window is hiding, not only that it exists.
   */
  heldBySilences(): HeldBySilence[] {
    return this.o.store.transaction((tx) =>
      tx.ruleState.keys(HELD_BY_SILENCE).flatMap((key) => {
        const held = tx.ruleState.get<HeldFire>(key);
        if (!held) return [];
        const { signal } = held;
        return [{ silenceId: held.silenceId, fingerprint: signal.fingerprint, alertType: signal.alertType, priority: signal.priority, deviceId: signal.subject.deviceId, firedAt: signal.at, summary: signal.summary }];
      }),
    );
  }

  /**
   * A signal from outside the rules (the platform watching itself, a gateway verdict): a ticket
   * like any other. With `onceId`, a redelivered cause raises nothing the second time.
   */
  raise(signal: AlertSignal, onceId?: string): void {
    this.run((tx, out) => {
      if (onceId !== undefined) {
        if (tx.wasProcessed(onceId)) return;
        tx.markProcessed(onceId, signal.at);
      }
      this.applySignal(tx, signal, undefined, out);
    });
  }

  command(ticketId: string, command: Command): CommandResult {
    return this.run((tx, out) => {
      const ticket = tx.ticket(ticketId);
      if (!ticket) return { ok: false, error: { code: 'OC_TICKET_NOT_FOUND', message: `no ticket ${ticketId}`, currentState: undefined } };
      const decision = applyCommand(ticket, command, this.o.clock.now(), this.context(tx));
      if (decision.ok) this.save(tx, ticket.version, decision, out);
      return decision;
    });
  }

  /**
   * Work of another way in (people's reports, issue 16) inside the service's own transaction:
   * what it saves is stored, queued for oc.tickets and announced exactly like a sensor's change.
   */
  withTickets<R>(work: (tx: Tx, w: TicketWork) => R): R {
    return this.run((tx, out) => work(tx, { now: this.o.clock.now(), ctx: this.context(tx), save: (previousVersion, change) => this.save(tx, previousVersion, change, out) }));
  }

  private observe(tx: Tx, obs: Observation, out: Outbound): void {
    if (tx.wasProcessed(obs.eventId)) return;
    tx.markProcessed(obs.eventId, obs.at);
    this.trackDevice(tx, obs, out);
    for (const signal of this.o.engine.observe(tx.ruleState, obs)) this.applySignal(tx, signal, obs, out);
  }

  /** Fires held by a silence that has ended, condition not cleared: their tickets open now, saying so. */
  private releaseHeldFires(tx: Tx, now: number, out: Outbound): void {
    const silences = tx.activeSilences(now);
    for (const key of tx.ruleState.keys(HELD_BY_SILENCE)) {
      const held = tx.ruleState.get<HeldFire>(key);
      if (!held || findSilence(held.signal, silences, now)) continue;
      tx.ruleState.delete(key);
      this.o.logger.info({ fingerprint: held.signal.fingerprint, silence: held.silenceId }, 'silence over, condition still active: opening its ticket');
      this.applySignal(tx, { ...held.signal, details: { ...held.signal.details, heldBySilence: held.silenceId } }, undefined, out);
    }
  }

  /** Every signal is an alert first; the desk decides whether it is work (alert-desk.ts). */
  private applySignal(tx: Tx, signal: AlertSignal, obs: Observation | undefined, out: Outbound): void {
    if (signal.action === 'clear') tx.ruleState.delete(HELD_BY_SILENCE + signal.fingerprint);
    this.desk.handle(tx, signal, obs, this.o.clock.now(), out);
  }

  /** The plain ticket path of a signal: the open ticket of its fingerprint, a reopen, or a new ticket (silences apply). */
  private ticketPath(tx: Tx, signal: AlertSignal, obs: Observation | undefined, out: Outbound): Ticket | undefined {
    const now = this.o.clock.now();
    const ctx = this.context(tx);
    const open = tx.openTicket(signal.fingerprint);
    let decision: Decision;
    let before: Ticket | undefined = open;
    if (open) {
      decision = applySignal(open, signal, now, ctx);
    } else if (signal.action === 'clear') {
      const latest = tx.latestTicket(signal.fingerprint);
      if (!latest || latest.state !== 'resolved') return undefined;
      before = latest;
      decision = applySignal(latest, signal, now, ctx);
    } else {
      const latest = tx.latestTicket(signal.fingerprint);
      if (latest && shouldReopen(latest, signal, now, this.policy)) {
        before = latest;
        decision = applySignal(latest, signal, now, ctx);
      } else {
        const silence = findSilence(signal, tx.activeSilences(now), now);
        if (silence) {
          this.suppressedBySilence += 1;
          tx.ruleState.set<HeldFire>(HELD_BY_SILENCE + signal.fingerprint, { signal, silenceId: silence.id });
          this.o.logger.info({ fingerprint: signal.fingerprint, silence: silence.id }, 'alert silenced: no ticket opened');
          return undefined;
        }
        // People may have reported it first (three residents at manhole M3): the sensor joins their ticket.
        const reported = reportTicketFor(tx.openTickets(), signal);
        if (reported) before = reported;
        decision = reported ? joinSignal(reported, signal, now, ctx) : openFromSignal(signal, tx.nextTicketId(now), now, ctx);
      }
    }
    if (!decision.ok) {
      this.o.logger.warn({ fingerprint: signal.fingerprint, error: decision.error }, 'signal not applied');
      return undefined;
    }
    this.save(tx, before?.version, decision, out);
    if (obs) {
      const body = obs.kind === 'envelope' ? obs.envelope : { deviceId: obs.deviceId, state: obs.state, source: obs.source };
      tx.linkEvent(decision.ticket.id, { eventId: obs.eventId, at: obs.at, body });
    }
    return decision.ticket;
  }

  /** Inserts or updates, appends the timeline and queues the change and its notifications for `oc.tickets`. */
  private save(tx: Tx, previousVersion: number | undefined, change: Change, out: Outbound): void {
    if (change.entries.length === 0 && change.notifications.length === 0 && previousVersion === change.ticket.version) return;
    if (previousVersion === undefined) tx.insertTicket(change.ticket);
    else tx.updateTicket(change.ticket, previousVersion);
    tx.appendTimeline(change.entries);
    const t = change.ticket;
    if (t.assignment?.kind === 'staff' && change.entries.some((e) => e.action === 'dispatched' || e.action === 'redispatched')) {
      this.lastAssignedAt.set(t.assignment.staffId, t.updatedAt);
    }
    tx.publish(LOG_TOPICS.tickets, t.id, { kind: 'ticket.change', ticket: t, entries: change.entries });
    for (const n of change.notifications) tx.publish(LOG_TOPICS.tickets, t.id, { kind: 'notification', notification: n });
    out.tickets.set(t.id, [t, [...(out.tickets.get(t.id)?.[1] ?? []), ...change.entries]]);
  }

  private trackDevice(tx: Tx, obs: Observation, out: Outbound): void {
    const deviceId = deviceIdOf(obs);
    const previous = tx.deviceStatus(deviceId);
    const state = obs.kind === 'status' ? obs.state : 'online';
    // A late record from before the current state must not flip it back.
    if (previous && obs.at < previous.since && previous.state !== state) return;
    const changed = previous?.state !== state;
    const status: DeviceStatus = {
      deviceId,
      state,
      since: changed ? obs.at : previous.since,
      lastSeen: obs.kind === 'envelope' ? obs.at : previous?.lastSeen,
      source: obs.kind === 'status' ? obs.source : changed ? 'message' : previous.source,
    };
    // The device's clock, judged on each message: flagged while off, cleared by a believable one.
    const skew = obs.kind === 'envelope' ? clockSkewOf(Date.parse(obs.envelope.ts), obs.at, this.o.clockSkew) : previous?.clockSkewMs;
    if (skew !== undefined) status.clockSkewMs = Number.isFinite(skew) ? skew : Number.MAX_SAFE_INTEGER;
    const skewChanged = (previous?.clockSkewMs === undefined) !== (status.clockSkewMs === undefined);
    tx.setDeviceStatus(status);
    // A second record of the same state can still say why (a will, then the lost socket of a power cut).
    if (changed || status.source !== previous.source || skewChanged) out.devices.set(deviceId, status);
  }

  private context(tx: Tx) {
    return ticketContext(this.o.planner, this.policy, tx.staffLoads(), this.lastAssignedAt);
  }

  /** Runs work in a transaction, retrying a lost race; publishes what changed after the commit. */
  private run<R>(work: (tx: Tx, out: Outbound) => R): R {
    for (let attempt = 1; ; attempt++) {
      const out: Outbound = { tickets: new Map(), devices: new Map(), alerts: new Map(), deadLetters: 0 };
      try {
        const result = this.o.store.transaction((tx) => work(tx, out));
        this.announce(out);
        return result;
      } catch (err) {
        if (isOcError(err, 'OC_TICKET_CONFLICT') && attempt < CONFLICT_RETRIES) {
          this.o.logger.info({ attempt, detail: err.message }, 'lost a race on a ticket; retrying');
          continue;
        }
        throw err;
      }
    }
  }

  private announce(out: Outbound): void {
    if (out.tickets.size > 0 || out.deadLetters > 0) this.o.onOutgoing?.();
    for (const [ticket, entries] of out.tickets.values()) this.changes.emit('ticket', ticket, entries);
    for (const status of out.devices.values()) this.changes.emit('device', status);
    for (const alert of out.alerts.values()) this.changes.emit('alert', alert);
  }
}

/** What withTickets gives its work: the time, the ticket context, and save (undefined version: a new ticket). */
export interface TicketWork {
  now: number;
  ctx: ReturnType<typeof ticketContext>;
  save(previousVersion: number | undefined, change: Change): void;
}

interface Outbound {
  tickets: Map<string, [Ticket, TimelineEntry[]]>;
  devices: Map<string, DeviceStatus>;
  alerts: Map<string, Alert>;
  deadLetters: number;
}

interface Refused {
  record: LogRecord;
  code: ErrorCode;
  reason: string;
  deviceId?: string;
}
