import type { AlertingService, TicketStore } from '../alerting/alerting-service.ts';
import type { DispatchPlanner } from '../alerting/domain/dispatch/planner.ts';
import type { Roster } from '../alerting/domain/dispatch/types.ts';
import type { Actor } from '../alerting/domain/tickets/types.ts';
import type { Clock } from '../shared/clock.ts';
import type { PlacedDevice } from '../site/devices.ts';
import type { SiteConfig } from '../site/schema.ts';

/** What the routes need; the composition root builds it. */
export interface ApiContext {
  service: AlertingService;
  store: TicketStore;
  planner: DispatchPlanner;
  roster: Roster;
  site: SiteConfig;
  devices: readonly PlacedDevice[];
  clock: Clock;
}

export const ACTOR_HEADER = 'x-oc-actor';

/**
 * Who is acting. Until sign-in arrives (issue 5) the desk and the phone page
 * name the person in a header; it must be someone on the roster, and their
 * role there is what the ticket domain's permissions see.
 */
export function actorFrom(ctx: ApiContext, header: string | string[] | undefined): Actor | undefined {
  const id = Array.isArray(header) ? header[0] : header;
  if (!id) return undefined;
  const member = ctx.planner.staff(id);
  return member ? { kind: 'person', id: member.id, role: member.role } : undefined;
}
