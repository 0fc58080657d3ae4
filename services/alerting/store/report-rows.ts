import type { Database as Db } from 'better-sqlite3';

/**
 * One report of a problem by a person (issue 16), kept beside the ticket it opened or joined.
 * The caller's name and phone and the photos are personal data: they live only here (never
 * in tickets, timelines or the log) so the retention sweep can delete them.
 */
export interface ReportRecord {
  id: string;
  ticketId: string;
  source: 'call' | 'resident';
  category: string;
  placeId: string;
  description: string;
  createdAt: number;
  /** sha-256 of the tracking token; the token itself is shown once and never stored. */
  tokenHash: string | undefined;
  callerName: string | undefined;
  phone: string | undefined;
  photoIds: string[];
  rating: { stars: number; comment: string | undefined; at: number } | undefined;
  /** Set when the personal data was deleted. */
  purgedAt: number | undefined;
}

export interface ReportRows {
  insert(report: ReportRecord): void;
  update(report: ReportRecord): void;
  byId(id: string): ReportRecord | undefined;
  byTokenHash(hash: string): ReportRecord | undefined;
  ofTicket(ticketId: string): ReportRecord[];
  /** Reports still holding personal data whose ticket is closed or cancelled. */
  unpurgedOfFinishedTickets(): Array<{ report: ReportRecord; ticketBody: string }>;
  all(): ReportRecord[];
}

export const REPORTS_MIGRATION = `CREATE TABLE reports (id TEXT PRIMARY KEY, ticket_id TEXT NOT NULL, token_hash TEXT UNIQUE,
     created_at INTEGER NOT NULL, purged_at INTEGER, body TEXT NOT NULL);
   CREATE INDEX reports_by_ticket ON reports(ticket_id, created_at);`;

export function sqliteReportRows(db: Db): ReportRows {
  const insert = db.prepare('INSERT INTO reports (id, ticket_id, token_hash, created_at, purged_at, body) VALUES (?, ?, ?, ?, ?, ?)');
  const update = db.prepare('UPDATE reports SET ticket_id = ?, token_hash = ?, purged_at = ?, body = ? WHERE id = ?');
  const byId = db.prepare('SELECT body FROM reports WHERE id = ?');
  const byToken = db.prepare('SELECT body FROM reports WHERE token_hash = ?');
  const ofTicket = db.prepare('SELECT body FROM reports WHERE ticket_id = ? ORDER BY created_at, id');
  const all = db.prepare('SELECT body FROM reports ORDER BY created_at, id');
  const unpurged = db.prepare(
    `SELECT r.body AS body, t.body AS ticket FROM reports r JOIN tickets t ON t.id = r.ticket_id
     WHERE r.purged_at IS NULL AND t.state IN ('closed', 'cancelled')`,
  );
  const parse = (row: unknown) => (row ? (JSON.parse((row as { body: string }).body) as ReportRecord) : undefined);
  return {
    insert: (r) => void insert.run(r.id, r.ticketId, r.tokenHash ?? null, r.createdAt, r.purgedAt ?? null, JSON.stringify(r)),
    update: (r) => void update.run(r.ticketId, r.tokenHash ?? null, r.purgedAt ?? null, JSON.stringify(r), r.id),
    byId: (id) => parse(byId.get(id)),
    byTokenHash: (hash) => parse(byToken.get(hash)),
    ofTicket: (ticketId) => ofTicket.all(ticketId).map((row) => parse(row)!),
    unpurgedOfFinishedTickets: () =>
      (unpurged.all() as Array<{ body: string; ticket: string }>).map((row) => ({ report: JSON.parse(row.body) as ReportRecord, ticketBody: row.ticket })),
    all: () => all.all().map((row) => parse(row)!),
  };
}
