/**
 * The state machine as data, so the API, the duty-desk page (which buttons to
 * show) and the tests read the same table.
 *
 *   open ──acknowledge──► acknowledged ──dispatch──► dispatched ──arrive──► on_site
 *    │  └─────────────dispatch (implies acknowledge)────┘  │ ▲ re-dispatch/accept   │
 *    │                       │ resolve                    │ resolve               │ resolve
 *    │                       ▼                            ▼                       ▼
 *    │                    resolved ◄───────────────────────────────────────────────┘
 *    │                       │ close            ▲ auto-resolve (system, condition cleared)
 *    │                       ▼                  │ from open / acknowledged / dispatched
 *    │                    closed                │
 *    └──── reopen (fired again within the window, or a person) ◄── resolved
 *
 *   transfer: to a team → acknowledged (staff assignment cleared);
 *             to a partner department → dispatched (department assignment).
 *   cancel (note required): from every state but closed and cancelled.
 *   comment: any state; escalate: any active state.
 */
import type { CommandType, TicketState } from './types.ts';

export const FINAL_STATES: readonly TicketState[] = ['closed', 'cancelled'];
/** Someone still has to do something: deadlines and escalation apply. */
export const ACTIVE_STATES: readonly TicketState[] = ['open', 'acknowledged', 'dispatched', 'on_site'];
/** Nobody has arrived yet: the arrive deadline applies. */
export const BEFORE_ARRIVAL: readonly TicketState[] = ['open', 'acknowledged', 'dispatched'];

export const isFinal = (s: TicketState): boolean => FINAL_STATES.includes(s);
export const isActive = (s: TicketState): boolean => ACTIVE_STATES.includes(s);

/** From which states each command may be applied. */
export const COMMAND_FROM: Readonly<Record<CommandType, readonly TicketState[]>> = {
  acknowledge: ['open'],
  dispatch: ['open', 'acknowledged', 'dispatched'],
  accept: ['dispatched'],
  arrive: ['dispatched'],
  resolve: ['acknowledged', 'dispatched', 'on_site'],
  close: ['resolved'],
  cancel: ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved'],
  reopen: ['resolved'],
  transfer: ['open', 'acknowledged', 'dispatched', 'on_site'],
  comment: ['open', 'acknowledged', 'dispatched', 'on_site', 'resolved', 'closed', 'cancelled'],
  escalate: ['open', 'acknowledged', 'dispatched', 'on_site'],
};

export const COMMAND_TYPES = Object.keys(COMMAND_FROM) as CommandType[];

/** Commands whose note is the record of why: a resolution, a cancellation, a hand-over (and a comment is nothing but its note). */
export const NOTE_REQUIRED: readonly CommandType[] = ['resolve', 'cancel', 'transfer', 'comment'];
