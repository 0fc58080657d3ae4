import type { TicketStore } from '../../alerting/alerting-service.ts';
import type { Ticket } from '../../alerting/domain/tickets/index.ts';
import { OPEN_STATES } from '../../alerting/store/alerting-store.ts';

const PAGE = 1_000;

/**
 * Every ticket that can count in SLA figures since `since`: those changed since
 * then (newest first, page by page) and every open one, whose deadlines may be
 * passing without any change to the ticket.
 */
export function ticketsForFiguresSince(store: TicketStore, since: number): Ticket[] {
  const byId = new Map<string, Ticket>();
  for (const t of store.listTickets({ states: OPEN_STATES, limit: 100_000 })) byId.set(t.id, t);
  let before: number | undefined;
  for (;;) {
    const page = store.listTickets({ limit: PAGE, ...(before === undefined ? {} : { before }) });
    for (const t of page) if (t.updatedAt >= since) byId.set(t.id, t);
    const last = page[page.length - 1];
    if (!last || page.length < PAGE || last.updatedAt < since) break;
    // `before` is exclusive: restart at the last time seen (+1), so tickets sharing it with the next page are
    // not skipped; the map drops the repeats. A page all of one millisecond moves on past it.
    const first = page[0]!;
    before = first.updatedAt === last.updatedAt ? last.updatedAt : last.updatedAt + 1;
  }
  return [...byId.values()];
}
