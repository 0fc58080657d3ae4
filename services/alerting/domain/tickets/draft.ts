/**
 * A change in the making: a private copy of the ticket that the operations
 * mutate, plus the entries and notifications they produce. `finish` stamps the
 * version once per decision (not per entry), so the store can compare-and-swap.
 */
import { outstandingBreaches } from './deadlines.ts';
import type { Actor, Change, Notification, NotificationKind, NotificationTarget, Ticket, TicketState, TimelineAction, TimelineEntry } from './types.ts';
import type { Bilingual } from '../model.ts';

interface EntryExtra {
  fromState?: TicketState;
  toState?: TicketState;
  note?: string | undefined;
  data?: Record<string, unknown>;
}

export class Draft {
  readonly ticket: Ticket;
  private readonly entries: TimelineEntry[] = [];
  private readonly pending: { kind: NotificationKind; to: NotificationTarget; message: Bilingual }[] = [];
  private changed = false;

  constructor(
    private readonly original: Ticket,
    readonly now: number,
  ) {
    this.ticket = structuredClone(original);
  }

  entry(actor: Actor, action: TimelineAction, extra: EntryExtra = {}): void {
    const e: TimelineEntry = { ticketId: this.ticket.id, seq: ++this.ticket.lastSeq, at: this.now, actor, action };
    if (extra.fromState !== undefined) e.fromState = extra.fromState;
    if (extra.toState !== undefined) e.toState = extra.toState;
    if (extra.note !== undefined) e.note = extra.note;
    if (extra.data !== undefined) e.data = extra.data;
    this.entries.push(e);
    this.changed = true;
  }

  /** A state change is always recorded with both ends. */
  move(actor: Actor, action: TimelineAction, to: TicketState, extra: Omit<EntryExtra, 'fromState' | 'toState'> = {}): void {
    const from = this.ticket.state;
    this.ticket.state = to;
    this.entry(actor, action, { ...extra, fromState: from, toState: to });
  }

  notify(kind: NotificationKind, to: NotificationTarget, message: Bilingual): void {
    this.pending.push({ kind, to, message });
  }

  /** For changes that deliberately write no entry (a collapsed storm fire). */
  touch(): void {
    this.changed = true;
  }

  finish(): Change {
    if (!this.changed) return { ticket: this.original, entries: [], notifications: [] };
    const t = this.ticket;
    t.version += 1;
    t.updatedAt = this.now;
    // Reminders stop as soon as nothing is late any more, whatever made it so.
    if (t.escalation.nextReminderAt !== undefined && outstandingBreaches(t, this.now).length === 0) {
      delete t.escalation.nextReminderAt;
    }
    const notifications: Notification[] = this.pending.map((p, i) => ({
      id: `${t.id}/v${t.version}/${i}`,
      kind: p.kind,
      ticketId: t.id,
      to: p.to,
      at: this.now,
      priority: t.priority,
      message: p.message,
    }));
    return { ticket: t, entries: this.entries, notifications };
  }
}

export const pushBounded = <T>(list: T[], item: T, max: number): void => {
  list.push(item);
  if (list.length > max) list.splice(0, list.length - max);
};
