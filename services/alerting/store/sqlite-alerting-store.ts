import Database, { type Database as Db, type Statement } from 'better-sqlite3';
import { OcError } from '../../shared/errors.ts';
import {
  OPEN_STATES,
  type AlertFilter,
  type AlertingStore,
  type AlertingTx,
  type DeviceStatus,
  type LinkedEvent,
  type OutgoingMessage,
  type SilenceShape,
  type TicketFilter,
  type TicketShape,
  type TimelineShape,
} from './alerting-store.ts';
import type { Alert } from '../domain/alerts/alert.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import { AlertRetention } from './alert-retention.ts';
import { sqliteReportRows, type ReportRows } from './report-rows.ts';
import { migrate } from './schema.ts';
import { TxRuleState } from './tx-rule-state.ts';

export interface SqliteAlertingStoreOptions {
  /** A file, or ':memory:' for tests. */
  path: string;
  synchronous?: 'FULL' | 'NORMAL';
}

/** Linked events kept per ticket: enough to see what happened, bounded for a storm. */
const LINKED_EVENTS_PER_TICKET = 200;

/**
 * Tickets, their timelines, rule state and processed event ids in one SQLite
 * file. PostgreSQL comes later for several instances; this is the one-node store.
 */
export class SqliteAlertingStore<T extends TicketShape, E extends TimelineShape, S extends SilenceShape> implements AlertingStore<T, E, S> {
  private readonly db: Db;
  private readonly st: ReturnType<typeof prepare>;
  private readonly reports: ReportRows;
  private inTransaction = false;

  private constructor(options: SqliteAlertingStoreOptions) {
    this.db = new Database(options.path);
    this.db.pragma('journal_mode = WAL');
    this.db.pragma(`synchronous = ${options.synchronous ?? 'FULL'}`);
    this.db.pragma('busy_timeout = 5000');
    migrate(this.db);
    this.st = prepare(this.db);
    this.reports = sqliteReportRows(this.db);
  }

  static open<T extends TicketShape, E extends TimelineShape, S extends SilenceShape>(options: SqliteAlertingStoreOptions): SqliteAlertingStore<T, E, S> {
    return new SqliteAlertingStore<T, E, S>(options);
  }

  transaction<R>(work: (tx: AlertingTx<T, E, S>) => R): R {
    if (this.inTransaction) throw new Error('alerting store transactions do not nest');
    const tx = this.txView(new TxRuleState(this.st.ruleState));
    this.inTransaction = true;
    try {
      return this.db.transaction(() => work(tx)).immediate();
    } finally {
      this.inTransaction = false;
    }
  }

  listTickets(filter: TicketFilter): T[] {
    const where: string[] = [];
    const args: unknown[] = [];
    const anyOf = (column: string, values: readonly string[] | undefined) => {
      if (!values?.length) return;
      where.push(`${column} IN (${values.map(() => '?').join(', ')})`);
      args.push(...values);
    };
    anyOf('state', filter.states);
    anyOf('category', filter.categories);
    anyOf('priority', filter.priorities);
    for (const [column, value] of [
      ['community_id', filter.communityId],
      ['compound_id', filter.compoundId],
      ['device_id', filter.deviceId],
      ['staff_id', filter.staffId],
      ['parent_id', filter.parentId],
    ] as const) {
      if (value === undefined) continue;
      where.push(`${column} = ?`);
      args.push(value);
    }
    if (filter.before !== undefined) {
      where.push('updated_at < ?');
      args.push(filter.before);
    }
    const sql = `SELECT body FROM tickets ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`;
    const rows = this.db.prepare(sql).all(...args, filter.limit ?? 100) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as T);
  }

  listAlerts(filter: AlertFilter): Alert[] {
    const where: string[] = [];
    const args: unknown[] = [];
    if (filter.states?.length) {
      where.push(`state IN (${filter.states.map(() => '?').join(', ')})`);
      args.push(...filter.states);
    }
    if (filter.alertTypes?.length) {
      where.push(`alert_type IN (${filter.alertTypes.map(() => '?').join(', ')})`);
      args.push(...filter.alertTypes);
    }
    if (filter.compoundId !== undefined) {
      where.push('compound_id = ?');
      args.push(filter.compoundId);
    }
    const sql = `SELECT body FROM alerts ${where.length ? `WHERE ${where.join(' AND ')}` : ''} ORDER BY updated_at DESC, id DESC LIMIT ?`;
    return (this.db.prepare(sql).all(...args, filter.limit ?? 100) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert);
  }

  childTickets(parentId: string): T[] {
    return (this.st.childTickets.all(parentId) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as T);
  }

  getTicket(id: string): { ticket: T; timeline: E[]; linkedEvents: LinkedEvent[] } | undefined {
    const row = this.st.ticketById.get(id) as { body: string } | undefined;
    if (!row) return undefined;
    const timeline = (this.st.timelineOf.all(id) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as E);
    const linkedEvents = (this.st.linkedOf.all(id) as Array<{ event_id: string; at: number; body: string }>).map((r) => ({
      eventId: r.event_id,
      at: r.at,
      body: JSON.parse(r.body) as unknown,
    }));
    return { ticket: JSON.parse(row.body) as T, timeline, linkedEvents };
  }

  listSilences(now: number, includeExpired: boolean): S[] {
    const rows = (includeExpired ? this.st.allSilences.all() : this.st.activeSilences.all(now, now)) as Array<{ body: string }>;
    return rows.map((r) => JSON.parse(r.body) as S);
  }

  putSilence(silence: S): void {
    this.st.upsertSilence.run(silence.id, silence.startsAt, silence.endsAt, JSON.stringify(silence));
  }

  expireSilence(id: string, now: number): boolean {
    const row = this.st.silenceById.get(id) as { body: string } | undefined;
    if (!row) return false;
    const silence = { ...(JSON.parse(row.body) as S), endsAt: Math.min((JSON.parse(row.body) as S).endsAt, now) };
    this.putSilence(silence);
    return true;
  }

  deviceStatuses(): DeviceStatus[] {
    return (this.st.allDeviceStatus.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as DeviceStatus);
  }

  pendingOutgoing(limit: number): OutgoingMessage[] {
    return this.st.pendingOutgoing.all(limit) as OutgoingMessage[];
  }

  deleteOutgoing(upToId: number): void {
    this.st.deleteOutgoing.run(upToId);
  }

  pruneProcessed(before: number): number {
    return this.st.pruneProcessed.run(before).changes;
  }

  /** The sweep that deletes resolved alerts older than `retentionDays` (stop it before close()). */
  alertRetention(clock: Clock, retentionDays: number, logger: Logger, intervalMs: number): AlertRetention {
    return new AlertRetention(this.db, clock, retentionDays, logger, intervalMs);
  }

  close(): void {
    if (this.db.open) this.db.close();
  }

  private txView(ruleState: TxRuleState): AlertingTx<T, E, S> {
    const st = this.st;
    const parse = (row: { body: string } | undefined) => (row ? (JSON.parse(row.body) as T) : undefined);
    return {
      ruleState,
      reports: this.reports,
      wasProcessed: (eventId) => st.processed.get(eventId) !== undefined,
      markProcessed: (eventId, at) => void st.markProcessed.run(eventId, at),
      openTicket: (fingerprint) => parse(st.openByFingerprint.get(fingerprint) as { body: string } | undefined),
      latestTicket: (fingerprint) => parse(st.latestByFingerprint.get(fingerprint) as { body: string } | undefined),
      ticket: (id) => parse(st.ticketById.get(id) as { body: string } | undefined),
      openTickets: () => (st.openTickets.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as T),
      insertTicket: (ticket) => {
        try {
          st.insertTicket.run(...ticketColumns(ticket));
        } catch (err) {
          if ((err as { code?: string }).code === 'SQLITE_CONSTRAINT_UNIQUE') {
            throw new OcError('OC_TICKET_CONFLICT', `an open ticket already has fingerprint ${ticket.fingerprint}`, { fingerprint: ticket.fingerprint });
          }
          throw err;
        }
      },
      updateTicket: (ticket, expectedVersion) => {
        const [id, ...rest] = ticketColumns(ticket);
        const changed = st.updateTicket.run(...rest, id, expectedVersion).changes;
        if (changed !== 1) throw new OcError('OC_TICKET_CONFLICT', `ticket ${ticket.id} changed meanwhile (expected version ${expectedVersion})`, { ticketId: ticket.id });
      },
      appendTimeline: (entries) => {
        for (const e of entries) st.insertTimeline.run(e.ticketId, e.seq, e.at, JSON.stringify(e));
      },
      linkEvent: (ticketId, event) => {
        st.insertLinked.run(ticketId, event.eventId, event.at, JSON.stringify(event.body));
        st.trimLinked.run(ticketId, ticketId, LINKED_EVENTS_PER_TICKET);
      },
      publish: (topic, key, value) => void st.insertOutgoing.run(topic, key, Buffer.from(JSON.stringify(value))),
      nextTicketId: (at) => {
        const n = (st.nextCounter.get('ticket') as { value: number }).value;
        const day = new Date(at + 8 * 3600_000).toISOString().slice(0, 10).replaceAll('-', '');
        return `T${day}-${String(n).padStart(4, '0')}`;
      },
      activeSilences: (now) => (st.activeSilences.all(now, now) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as S),
      staffLoads: () => new Map((st.staffLoads.all() as Array<{ staff_id: string; n: number }>).map((r) => [r.staff_id, r.n])),
      setDeviceStatus: (status) => void st.upsertDeviceStatus.run(status.deviceId, JSON.stringify(status)),
      currentAlert: (fingerprint) => {
        const row = st.currentAlert.get(fingerprint) as { body: string } | undefined;
        return row ? (JSON.parse(row.body) as Alert) : undefined;
      },
      putAlert: (a) => void st.upsertAlert.run(a.id, a.fingerprint, a.state, a.alertType, a.subject.compoundId, a.startedAt, a.updatedAt, JSON.stringify(a)),
      firingAlerts: (compoundId, alertType) =>
        ((alertType === undefined ? st.firingOfCompound.all(compoundId) : st.firingOfCompoundType.all(compoundId, alertType)) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert),
      alertsSince: (compoundId, alertType, since) => (st.alertsSince.all(compoundId, alertType, since) as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert),
      allFiringAlerts: () => (st.allFiring.all() as Array<{ body: string }>).map((r) => JSON.parse(r.body) as Alert),
      openTicketsOf: (compoundId, alertTypes) => {
        const rows = this.db
          .prepare(`SELECT body FROM tickets WHERE compound_id = ? AND state IN (${OPEN}) AND json_extract(body, '$.alertType') IN (${alertTypes.map(() => '?').join(', ') || "''"}) ORDER BY opened_at`)
          .all(compoundId, ...alertTypes) as Array<{ body: string }>;
        return rows.map((r) => JSON.parse(r.body) as T);
      },
      deviceStatus: (deviceId) => {
        const row = st.deviceStatusById.get(deviceId) as { body: string } | undefined;
        return row ? (JSON.parse(row.body) as DeviceStatus) : undefined;
      },
    };
  }
}

function ticketColumns(t: TicketShape): [string, string, string, string, string, string, string, string | null, string | null, string | null, number, number, number, string] {
  const staffId = t.assignment?.kind === 'staff' ? (t.assignment.staffId ?? null) : null;
  return [t.id, t.fingerprint, t.state, t.category, t.priority, t.subject.communityId, t.subject.compoundId, t.subject.deviceId ?? null, staffId, t.parentId ?? null, t.openedAt, t.updatedAt, t.version, JSON.stringify(t)];
}

const OPEN = OPEN_STATES.map((s) => `'${s}'`).join(', ');

function prepare(db: Db) {
  const p = (sql: string): Statement => db.prepare(sql);
  return {
    ruleState: {
      get: p('SELECT body FROM rule_state WHERE key = ?'),
      upsert: p('INSERT INTO rule_state (key, body) VALUES (?, ?) ON CONFLICT(key) DO UPDATE SET body = excluded.body'),
      remove: p('DELETE FROM rule_state WHERE key = ?'),
      keys: p('SELECT key FROM rule_state WHERE key >= ? AND key < ? ORDER BY key'),
    },
    processed: p('SELECT 1 FROM processed_events WHERE event_id = ?'),
    markProcessed: p('INSERT OR IGNORE INTO processed_events (event_id, at) VALUES (?, ?)'),
    pruneProcessed: p('DELETE FROM processed_events WHERE at < ?'),
    openByFingerprint: p(`SELECT body FROM tickets WHERE fingerprint = ? AND state IN (${OPEN})`),
    latestByFingerprint: p('SELECT body FROM tickets WHERE fingerprint = ? ORDER BY opened_at DESC, id DESC LIMIT 1'),
    ticketById: p('SELECT body FROM tickets WHERE id = ?'),
    openTickets: p(`SELECT body FROM tickets WHERE state IN (${OPEN}) ORDER BY opened_at`),
    insertTicket: p(
      `INSERT INTO tickets (id, fingerprint, state, category, priority, community_id, compound_id, device_id, staff_id, parent_id, opened_at, updated_at, version, body)
       VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
    ),
    updateTicket: p(
      `UPDATE tickets SET fingerprint = ?, state = ?, category = ?, priority = ?, community_id = ?, compound_id = ?, device_id = ?,
         staff_id = ?, parent_id = ?, opened_at = ?, updated_at = ?, version = ?, body = ? WHERE id = ? AND version = ?`,
    ),
    insertTimeline: p('INSERT INTO timeline (ticket_id, seq, at, body) VALUES (?, ?, ?, ?)'),
    timelineOf: p('SELECT body FROM timeline WHERE ticket_id = ? ORDER BY seq'),
    insertLinked: p('INSERT OR IGNORE INTO linked_events (ticket_id, event_id, at, body) VALUES (?, ?, ?, ?)'),
    trimLinked: p(
      `DELETE FROM linked_events WHERE ticket_id = ? AND event_id NOT IN
         (SELECT event_id FROM linked_events WHERE ticket_id = ? ORDER BY at DESC LIMIT ?)`,
    ),
    linkedOf: p('SELECT event_id, at, body FROM linked_events WHERE ticket_id = ? ORDER BY at'),
    insertOutgoing: p('INSERT INTO outgoing (topic, key, value) VALUES (?, ?, ?)'),
    pendingOutgoing: p('SELECT id, topic, key, value FROM outgoing ORDER BY id LIMIT ?'),
    deleteOutgoing: p('DELETE FROM outgoing WHERE id <= ?'),
    nextCounter: p(`INSERT INTO counters (name, value) VALUES (?, 1) ON CONFLICT(name) DO UPDATE SET value = value + 1 RETURNING value`),
    upsertSilence: p('INSERT INTO silences (id, starts_at, ends_at, body) VALUES (?, ?, ?, ?) ON CONFLICT(id) DO UPDATE SET starts_at = excluded.starts_at, ends_at = excluded.ends_at, body = excluded.body'),
    silenceById: p('SELECT body FROM silences WHERE id = ?'),
    activeSilences: p('SELECT body FROM silences WHERE starts_at <= ? AND ends_at > ? ORDER BY ends_at'),
    allSilences: p('SELECT body FROM silences ORDER BY starts_at DESC'),
    staffLoads: p(`SELECT staff_id, COUNT(*) AS n FROM tickets WHERE staff_id IS NOT NULL AND state IN (${OPEN}) GROUP BY staff_id`),
    upsertDeviceStatus: p('INSERT INTO device_status (device_id, body) VALUES (?, ?) ON CONFLICT(device_id) DO UPDATE SET body = excluded.body'),
    deviceStatusById: p('SELECT body FROM device_status WHERE device_id = ?'),
    currentAlert: p('SELECT body FROM alerts WHERE fingerprint = ? ORDER BY started_at DESC, id DESC LIMIT 1'),
    upsertAlert: p(
      `INSERT INTO alerts (id, fingerprint, state, alert_type, compound_id, started_at, updated_at, body) VALUES (?, ?, ?, ?, ?, ?, ?, ?)
       ON CONFLICT(id) DO UPDATE SET state = excluded.state, updated_at = excluded.updated_at, body = excluded.body`,
    ),
    firingOfCompound: p(`SELECT body FROM alerts WHERE compound_id = ? AND state = 'firing' ORDER BY started_at`),
    firingOfCompoundType: p(`SELECT body FROM alerts WHERE compound_id = ? AND alert_type = ? AND state = 'firing' ORDER BY started_at`),
    alertsSince: p('SELECT body FROM alerts WHERE compound_id = ? AND alert_type = ? AND updated_at >= ? ORDER BY started_at'),
    allFiring: p(`SELECT body FROM alerts WHERE state = 'firing' ORDER BY started_at`),
    childTickets: p('SELECT body FROM tickets WHERE parent_id = ? ORDER BY opened_at'),
    allDeviceStatus: p('SELECT body FROM device_status ORDER BY device_id'),
  };
}
