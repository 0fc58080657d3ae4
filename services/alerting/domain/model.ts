/**
 * The alerting domain's shared vocabulary. Plain data, no I/O: the rules turn
 * observations into alert signals; the ticket domain turns signals and people's
 * commands into tickets, timeline entries and notifications.
 */
import type { DeviceKind, Envelope } from '../../shared/envelope.ts';

export type Bilingual = { zh: string; en: string };

/** Who handles it; decides the team (responsibility matrix) and, with priority, the SLA. */
export const CATEGORIES = ['drainage', 'access-control', 'security', 'device-fault', 'parking', 'shop-grease', 'public-order'] as const;
export type Category = (typeof CATEGORIES)[number];

/** P1 urgent (someone must move now) … P4 routine. */
export const PRIORITIES = ['P1', 'P2', 'P3', 'P4'] as const;
export type Priority = (typeof PRIORITIES)[number];

export const ALERT_TYPES = [
  'drain.level-warning',
  'drain.level-critical',
  'drain.rapid-rise',
  'drain.dry-weather-rise',
  'drain.sensor-fault',
  'door.forced-open',
  'door.held-open',
  'door.repeated-denied',
  'door.tamper',
  'camera.tamper',
  'camera.video-loss',
  'camera.quiet-hours-motion',
  'device.offline',
  'site.mass-outage',
  // Grouped incidents (issue 14): one ticket of many alerts.
  'site.storm',
  'camera.night-motion-digest',
  'device.fault',
  'device.events-lost',
  'platform.consumer-stuck',
  // People's reports (issue 16): a desk-logged call, a resident's QR report.
  'report.call',
  'report.resident',
] as const;
export type AlertType = (typeof ALERT_TYPES)[number];

/** Where a device sits; what rules and tickets need of the site config. */
export interface DeviceContext {
  deviceId: string;
  kind: DeviceKind;
  communityId: string;
  compoundId: string;
  buildingId: string | undefined;
  placeId: string;
  name: Bilingual;
  /** Drain sensors: manhole depth. */
  depthMm: number | undefined;
  /** Cameras: the detection zones its motion events name, with the names people read. */
  zones?: readonly { id: string; name: Bilingual }[];
  /** For messages people read; the ids stand in without them. */
  compoundName?: Bilingual;
  buildingName?: Bilingual;
}

/** What the rules consume, from the event log. `eventId` is unique and makes processing idempotent. */
export type Observation =
  | { kind: 'envelope'; channel: 'event' | 'telemetry'; envelope: Envelope; eventId: string; at: number }
  | { kind: 'status'; deviceId: string; state: 'online' | 'offline'; source: string; eventId: string; at: number };

/** What a ticket or alert is about: one device, or a group (a compound's mass outage). */
export interface Subject {
  deviceId: string | undefined;
  groupId: string | undefined;
  communityId: string;
  compoundId: string;
  buildingId: string | undefined;
  placeId: string | undefined;
}

/**
 * A rule's verdict. `fire` opens a ticket or attaches to the open one with the
 * same fingerprint; `clear` says the condition is gone.
 */
export interface AlertSignal {
  action: 'fire' | 'clear';
  /** `${compoundId}/${deviceId or groupId}/${alertType}`: at most one open ticket per fingerprint. */
  fingerprint: string;
  alertType: AlertType;
  category: Category;
  priority: Priority;
  subject: Subject;
  at: number;
  /** The observation that caused it; linked to the ticket. */
  eventId: string;
  summary: Bilingual;
  details: Record<string, unknown>;
  /** Safe to resolve by itself when the condition clears (held open, back online). */
  autoResolve: boolean;
  /**
   * The condition got worse (a manhole from warning to critical to overflowing): the open
   * ticket of the fingerprint takes this signal's alert type and title, so it never says
   * 97 % while the manhole overflows.
   */
  retitle?: boolean;
  /** The rule's accept deadline for a ticket this signal opens (set by the alert desk from the rule's settings). */
  acceptWithinMs?: number;
}

export const fingerprintOf = (compoundId: string, subjectId: string, alertType: AlertType): string =>
  `${compoundId}/${subjectId}/${alertType}`;
