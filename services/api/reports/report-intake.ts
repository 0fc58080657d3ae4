import { createHash, randomBytes } from 'node:crypto';
import type { AlertingService } from '../../alerting/alerting-service.ts';
import { REPORT_CATALOGUE, type ReportCategory, type ReportSource } from '../../alerting/domain/reports/catalogue.ts';
import { applyRating, joinReport, mergeTarget, openFromReport, type ReportFacts } from '../../alerting/domain/reports/intake.ts';
import { openingSource } from '../../alerting/domain/reports/tally.ts';
import type { Actor, Ticket, TicketSource } from '../../alerting/domain/tickets/types.ts';
import type { ReportRecord } from '../../alerting/store/report-rows.ts';
import type { Clock } from '../../shared/clock.ts';
import type { PhotoStore } from './photo-store.ts';
import type { ReportPlace } from './places.ts';

/** Sends a resident their tracking link by SMS; the notifier (issue 15) provides one. Optional. */
export interface TrackingLinkSender {
  sendTrackingLink(phone: string, trackingPath: string): Promise<void>;
}

export interface ReportInput {
  source: ReportSource;
  category: ReportCategory;
  place: ReportPlace;
  description: string;
  callerName?: string | undefined;
  phone?: string | undefined;
  /** Already checked and stripped (photo-clean.ts). */
  photos: readonly Buffer[];
  actor: Actor;
}

export interface Submitted {
  reportId: string;
  ticketId: string;
  /** Joined an open ticket rather than opening one. */
  merged: boolean;
  /** Resident reports only: the secret of the tracking link, shown once. */
  token: string | undefined;
}

export type RateOutcome = { ok: true; reopened: boolean } | { ok: false; code: 'OC_REPORT_TRACKING_NOT_FOUND' | 'OC_REPORT_NOT_RATEABLE'; message: string };

export interface Tracked {
  report: ReportRecord;
  ticket: Ticket;
  reportCount: number;
}

export const DEFAULT_RETENTION_MS = 180 * 24 * 3600_000;

const hashOf = (token: string) => createHash('sha256').update(token).digest('hex');
const newId = (prefix: string) => `${prefix}${randomBytes(9).toString('base64url')}`;

/** Reports in: photos to the photo store, then the ticket and the report row in one alerting transaction. */
export class ReportIntake {
  constructor(
    private readonly o: {
      service: AlertingService;
      photos: PhotoStore;
      clock: Clock;
      /** How long after a ticket closes its reports' phone, name and photos are kept. */
      retentionMs: number;
      sms?: TrackingLinkSender | undefined;
    },
  ) {}

  get photos(): PhotoStore {
    return this.o.photos;
  }

  async submit(input: ReportInput): Promise<Submitted> {
    const reportId = newId('R');
    const photoIds: string[] = [];
    try {
      for (const bytes of input.photos) {
        const id = newId('P');
        await this.o.photos.put(id, bytes);
        photoIds.push(id);
      }
      const token = input.source === 'resident' ? randomBytes(24).toString('base64url') : undefined;
      const facts: ReportFacts = {
        reportId,
        source: input.source,
        category: input.category,
        subject: input.place.subject,
        placeName: input.place.name,
        description: input.description,
        actor: input.actor,
      };
      const { ticketId, merged } = this.o.service.withTickets((tx, w) => {
        const target = mergeTarget(tx.openTickets(), facts);
        const decision = target ? joinReport(target, facts, w.now) : openFromReport(facts, tx.nextTicketId(w.now), w.now, w.ctx);
        if (!decision.ok) throw new Error(`report ${reportId} not applied: ${decision.error.message}`);
        w.save(target?.version, decision);
        tx.reports.insert({
          id: reportId,
          ticketId: decision.ticket.id,
          source: input.source,
          category: input.category,
          placeId: input.place.id,
          description: input.description,
          createdAt: w.now,
          tokenHash: token ? hashOf(token) : undefined,
          callerName: input.callerName,
          phone: input.phone,
          photoIds,
          rating: undefined,
          purgedAt: undefined,
        });
        return { ticketId: decision.ticket.id, merged: target !== undefined };
      });
      if (token && input.phone && this.o.sms) void this.o.sms.sendTrackingLink(input.phone, `/track/${token}`).catch(() => undefined);
      return { reportId, ticketId, merged, token };
    } catch (err) {
      // Nothing stored when the report is not: photos already written go again.
      for (const id of photoIds) await this.o.photos.delete(id);
      throw err;
    }
  }

  track(token: string): Tracked | undefined {
    return this.o.service.withTickets((tx) => {
      const report = tx.reports.byTokenHash(hashOf(token));
      const ticket = report && tx.ticket(report.ticketId);
      if (!report || !ticket) return undefined;
      return { report, ticket, reportCount: reportCountOf(ticket, tx.reports.ofTicket(ticket.id).length) };
    });
  }

  rate(token: string, stars: number, comment: string | undefined): RateOutcome {
    return this.o.service.withTickets((tx, w): RateOutcome => {
      const report = tx.reports.byTokenHash(hashOf(token));
      const ticket = report && tx.ticket(report.ticketId);
      if (!report || !ticket) return { ok: false, code: 'OC_REPORT_TRACKING_NOT_FOUND', message: 'no report with this tracking link' };
      if (report.rating) return { ok: false, code: 'OC_REPORT_NOT_RATEABLE', message: 'this report was already rated' };
      if (ticket.state !== 'resolved' && ticket.state !== 'closed') return { ok: false, code: 'OC_REPORT_NOT_RATEABLE', message: `the ticket is ${ticket.state}, not resolved yet` };
      const decision = applyRating(ticket, { reportId: report.id, stars, comment }, w.now, w.ctx);
      if (!decision.ok) return { ok: false, code: 'OC_REPORT_NOT_RATEABLE', message: decision.error.message };
      w.save(ticket.version, decision);
      tx.reports.update({ ...report, rating: { stars, comment, at: w.now } });
      return { ok: true, reopened: decision.ticket.state === 'open' };
    });
  }

  reportsOf(ticketId: string): ReportRecord[] {
    return this.o.service.withTickets((tx) => tx.reports.ofTicket(ticketId));
  }

  allReports(): ReportRecord[] {
    return this.o.service.withTickets((tx) => tx.reports.all());
  }

  /**
   * The retention sweep: reports whose ticket closed (or was cancelled) more than the retention
   * time ago lose the caller's name, phone and photos; the report itself (category, place,
   * rating) stays for the manager's figures. Returns how many were purged.
   */
  async sweep(): Promise<number> {
    const now = this.o.clock.now();
    const due = this.o.service.withTickets((tx) => {
      const out: ReportRecord[] = [];
      for (const { report, ticketBody } of tx.reports.unpurgedOfFinishedTickets()) {
        const t = JSON.parse(ticketBody) as Ticket;
        const finishedAt = t.milestones.closedAt ?? t.milestones.cancelledAt ?? t.updatedAt;
        if (now - finishedAt < this.o.retentionMs) continue;
        tx.reports.update({ ...report, callerName: undefined, phone: undefined, photoIds: [], purgedAt: now });
        out.push(report);
      }
      return out;
    });
    for (const r of due) for (const id of r.photoIds) await this.o.photos.delete(id);
    return due.length;
  }
}

/** Reports on a ticket, the sensor counting as one: the ticket's tally, or (a ticket from before tallies) its report rows. */
export const reportCountOf = (ticket: Ticket, reportRows: number): number => ticket.reports?.count ?? reportRows + (ticket.alertType.startsWith('report.') ? 0 : 1);

/** What opened the ticket: sensor, call or resident. */
export const sourceOf = (ticket: Ticket): TicketSource => openingSource(ticket);

/** Masked for everyone but the desk: the last four digits stay, so a resident recognises their own number. */
export { maskPhone } from '../../shared/mask-phone.ts';

export const categoryName = (c: string) => REPORT_CATALOGUE[c as ReportCategory]?.name;
