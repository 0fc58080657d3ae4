import { Type } from '@sinclair/typebox';
import { ALERT_TYPES, CATEGORIES, PRIORITIES } from '../../alerting/domain/model.ts';
import { TICKET_SOURCES, TICKET_STATES, TIMELINE_ACTIONS } from '../../alerting/domain/tickets/index.ts';

/**
 * What the ticket routes answer, for the OpenAPI document and the desk's clients. The
 * fields a client acts on are typed; the rest (escalation, milestones, storm counters …)
 * pass through as the ticket domain has them, so these schemas can never drop a field.
 */
// A plain string enum rather than a union of literals: the serialiser writes it as a string, with no per-value matching.
const oneOf = (values: readonly string[]) => Type.Unsafe<string>({ type: 'string', enum: [...values] });
const epochMs = (description: string) => Type.Integer({ description: `${description} (epoch ms)` });
const open = { additionalProperties: true } as const;

export const TicketSchema = Type.Object(
  {
    id: Type.String({ description: 'T<yyyymmdd>-<n>' }),
    fingerprint: Type.String({ description: 'compound / device or group / alert type: one open ticket each' }),
    alertType: oneOf(ALERT_TYPES),
    category: oneOf(CATEGORIES),
    priority: oneOf(PRIORITIES),
    state: oneOf(TICKET_STATES),
    subject: Type.Object(
      {
        communityId: Type.String(),
        compoundId: Type.String(),
        buildingId: Type.Optional(Type.String()),
        placeId: Type.Optional(Type.String()),
        deviceId: Type.Optional(Type.String()),
        groupId: Type.Optional(Type.String({ description: 'a grouped ticket (mass outage): the compound' })),
      },
      open,
    ),
    title: Type.Object({ zh: Type.String(), en: Type.String() }, open),
    openedAt: epochMs('opened'),
    updatedAt: epochMs('last change'),
    firingCount: Type.Integer({ description: 'how often the condition fired while the ticket was open' }),
    conditionActive: Type.Boolean(),
    deadlines: Type.Object({ acknowledgeBy: epochMs('acknowledge by'), arriveBy: epochMs('arrive by'), resolveBy: epochMs('resolve by') }, open),
    teamId: Type.Optional(Type.String({ description: 'the team responsible now' })),
    reports: Type.Optional(
      Type.Object(
        { count: Type.Integer({ minimum: 1 }), sources: Type.Array(oneOf(TICKET_SOURCES)) },
        { ...open, description: "people's reports on the ticket (a sensor counts as one) and their sources in order of arrival; absent: one report, by the sensor" },
      ),
    ),
    assignment: Type.Optional(Type.Object({ kind: oneOf(['staff', 'department']) }, { ...open, description: 'staff: staffId, teamId, dispatchedAt, acceptedAt; department: departmentId, transferredAt' })),
    parentId: Type.Optional(Type.String({ description: 'the grouped incident this ticket belongs to (a manhole ticket under its storm incident)' })),
    children: Type.Optional(
      Type.Array(
        Type.Object(
          {
            deviceId: Type.String(),
            name: Type.Object({ zh: Type.String(), en: Type.String() }, open),
            alertId: Type.String(),
            alertType: oneOf(ALERT_TYPES),
            alertState: oneOf(['firing', 'resolved']),
            ticketId: Type.Optional(Type.String({ description: 'the child ticket, once the manhole reached warning, stayed high or overflowed' })),
          },
          open,
        ),
        { description: 'a grouped incident: one line per manhole (device)' },
      ),
    ),
    evidence: Type.Optional(
      Type.Array(
        Type.Object({ alertId: Type.String(), alertType: oneOf(ALERT_TYPES), at: epochMs('fired'), why: oneOf(['inhibited', 'nearby-incident', 'digest', 'signal']) }, open),
        { description: 'alerts kept on this ticket instead of tickets of their own' },
      ),
    ),
    unmetDuty: Type.Optional(Type.Object({ since: epochMs('since'), reason: Type.Object({ zh: Type.String(), en: Type.String() }, open) }, { ...open, description: 'nobody qualified on shift to send: the desk must find someone' })),
  },
  open,
);

export const AlertSchema = Type.Object(
  {
    id: Type.String({ description: 'one firing episode: fingerprint@startedAt' }),
    fingerprint: Type.String(),
    alertType: oneOf(ALERT_TYPES),
    priority: oneOf(PRIORITIES),
    state: oneOf(['firing', 'resolved']),
    subject: Type.Object({ communityId: Type.String(), compoundId: Type.String(), deviceId: Type.Optional(Type.String()), groupId: Type.Optional(Type.String()) }, open),
    startedAt: epochMs('first fired'),
    lastFiredAt: epochMs('last fired'),
    resolvedAt: Type.Optional(epochMs('resolved')),
    updatedAt: epochMs('last change'),
    summary: Type.Object({ zh: Type.String(), en: Type.String() }, open),
    disposition: Type.Object(
      { kind: oneOf(['alert-only', 'ticket', 'child', 'evidence', 'silenced']), ticketId: Type.Optional(Type.String()), why: Type.Optional(Type.String()) },
      { ...open, description: 'alert-only: a signal, no ticket (transient, waiting for its rule, or never on its own); ticket: its own; child: a line of a grouped incident; evidence: kept on another ticket' },
    ),
  },
  open,
);

export const TimelineEntrySchema = Type.Object(
  {
    ticketId: Type.String(),
    seq: Type.Integer({ minimum: 1, description: 'gap-free per ticket' }),
    at: epochMs('when'),
    actor: Type.Object({ kind: oneOf(['system', 'person']), id: Type.Optional(Type.String()), role: Type.Optional(Type.String()) }, open),
    action: oneOf(TIMELINE_ACTIONS),
    fromState: Type.Optional(oneOf(TICKET_STATES)),
    toState: Type.Optional(oneOf(TICKET_STATES)),
    note: Type.Optional(Type.String()),
  },
  open,
);

export const LinkedEventSchema = Type.Object({ eventId: Type.String(), at: epochMs('linked'), body: Type.Object({}, { ...open, description: 'the device envelope as the log has it' }) }, open);
