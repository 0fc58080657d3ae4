/**
 * The desk's copy of the tickets: loaded once, then kept current by the live stream.
 * A change is applied only if it is newer than what is held (the stream and a reload
 * can race), and a ticket seen for the first time with an `opened` entry is an arrival
 * the page announces.
 */
import type { Ticket, TimelineEntry } from '../api/types.ts';

export type FeedChange = { kind: 'arrived' | 'changed'; ticket: Ticket } | { kind: 'ignored' };

export class TicketFeed {
  private readonly byId = new Map<string, Ticket>();

  /** Replaces everything with a fresh list (after a load or a reconnect); returns the tickets that were not there before. */
  reset(tickets: readonly Ticket[]): Ticket[] {
    const fresh = tickets.filter((t) => !this.byId.has(t.id));
    this.byId.clear();
    for (const t of tickets) this.byId.set(t.id, t);
    return fresh;
  }

  apply(ticket: Ticket, entries: readonly TimelineEntry[] = []): FeedChange {
    const held = this.byId.get(ticket.id);
    if (held && held.version >= ticket.version) return { kind: 'ignored' };
    this.byId.set(ticket.id, ticket);
    const opened = entries.some((e) => e.action === 'opened' || e.action === 'reopened');
    return { kind: !held && opened ? 'arrived' : 'changed', ticket };
  }

  get(id: string): Ticket | undefined {
    return this.byId.get(id);
  }

  all(): Ticket[] {
    return [...this.byId.values()];
  }

  get size(): number {
    return this.byId.size;
  }
}

/** Urgent enough to sound the alarm on the desk. */
export const isUrgent = (t: Ticket): boolean => t.priority === 'P1';
