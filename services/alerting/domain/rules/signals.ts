/**
 * How rule verdicts become AlertSignals: each alert type's category, priority
 * and whether it may resolve itself, and the subject and fingerprint rules.
 */
import { fingerprintOf } from '../model.ts';
import type { AlertSignal, AlertType, Bilingual, Category, DeviceContext, Priority, Subject } from '../model.ts';

interface AlertTypeTraits {
  category: Category;
  priority: Priority;
  /** True only where the clear means nothing is left to check (DESIGN: held open, back online). */
  autoResolve: boolean;
}

export const ALERT_TRAITS: Record<AlertType, AlertTypeTraits> = {
  // Water that went down again after a warning needs nobody; after a critical level someone checks the street.
  'drain.level-warning': { category: 'drainage', priority: 'P2', autoResolve: true },
  'drain.level-critical': { category: 'drainage', priority: 'P1', autoResolve: false },
  'drain.rapid-rise': { category: 'drainage', priority: 'P2', autoResolve: true },
  // A grease hint goes to the shops' regulator; only a cleaned pipe ends it.
  'drain.dry-weather-rise': { category: 'shop-grease', priority: 'P3', autoResolve: false },
  'drain.sensor-fault': { category: 'device-fault', priority: 'P3', autoResolve: false },
  'door.forced-open': { category: 'security', priority: 'P1', autoResolve: false },
  'door.held-open': { category: 'access-control', priority: 'P3', autoResolve: true },
  'door.repeated-denied': { category: 'security', priority: 'P2', autoResolve: false },
  'door.tamper': { category: 'security', priority: 'P2', autoResolve: false },
  'camera.tamper': { category: 'device-fault', priority: 'P2', autoResolve: false },
  'camera.video-loss': { category: 'device-fault', priority: 'P2', autoResolve: true },
  'camera.quiet-hours-motion': { category: 'security', priority: 'P3', autoResolve: true },
  'device.offline': { category: 'device-fault', priority: 'P3', autoResolve: true },
  // Power back is not the end: the desk's tick resolves it after the outage's dark grace, when the
  // devices still dark have tickets of their own (grouping.outage.darkGraceMs).
  'site.mass-outage': { category: 'device-fault', priority: 'P1', autoResolve: false },
  // A storm over the compound: the plumbers watch the manholes; it ends when the water stopped rising everywhere.
  'site.storm': { category: 'drainage', priority: 'P2', autoResolve: true },
  // A night's motion in quiet hours: someone reads it in the morning and closes it.
  'camera.night-motion-digest': { category: 'security', priority: 'P4', autoResolve: false },
  // The driver saw the device answer properly again: as with back online, nothing is left to check.
  'device.fault': { category: 'device-fault', priority: 'P3', autoResolve: true },
  // Lost events stay lost and nothing ends the condition: someone reads the device's own log, then closes it.
  'device.events-lost': { category: 'device-fault', priority: 'P4', autoResolve: false },
  // A consumer of the log that cannot move on: alerts or points are waiting. It clears when it moves again.
  'platform.consumer-stuck': { category: 'device-fault', priority: 'P2', autoResolve: true },
  // No rule fires these; a report's category and priority come from the report catalogue (domain/reports).
  'report.call': { category: 'public-order', priority: 'P4', autoResolve: false },
  'report.resident': { category: 'public-order', priority: 'P4', autoResolve: false },
};

export function deviceSubject(device: DeviceContext): Subject {
  return {
    deviceId: device.deviceId,
    groupId: undefined,
    communityId: device.communityId,
    compoundId: device.compoundId,
    buildingId: device.buildingId,
    placeId: device.placeId,
  };
}

/** A compound as a whole: the subject of a mass outage. */
export function compoundSubject(communityId: string, compoundId: string): Subject {
  return { deviceId: undefined, groupId: compoundId, communityId, compoundId, buildingId: undefined, placeId: undefined };
}

export interface SignalFacts {
  action: AlertSignal['action'];
  alertType: AlertType;
  subject: Subject;
  at: number;
  eventId: string;
  summary: Bilingual;
  details: Record<string, unknown>;
}

export function makeSignal(f: SignalFacts): AlertSignal {
  const traits = ALERT_TRAITS[f.alertType];
  const subjectId = f.subject.deviceId ?? f.subject.groupId ?? f.subject.compoundId;
  return {
    action: f.action,
    fingerprint: fingerprintOf(f.subject.compoundId, subjectId, f.alertType),
    alertType: f.alertType,
    category: traits.category,
    priority: traits.priority,
    subject: f.subject,
    at: f.at,
    eventId: f.eventId,
    summary: f.summary,
    details: f.details,
    autoResolve: traits.autoResolve,
  };
}

export function deviceSignal(
  action: AlertSignal['action'],
  alertType: AlertType,
  device: DeviceContext,
  at: number,
  eventId: string,
  summary: Bilingual,
  details: Record<string, unknown>,
): AlertSignal {
  return makeSignal({ action, alertType, subject: deviceSubject(device), at, eventId, summary, details });
}

export const fingerprintFor = (device: DeviceContext, alertType: AlertType): string =>
  fingerprintOf(device.compoundId, device.deviceId, alertType);

/**
 * Signals raised by `tick` have no causing observation; this id is stable for
 * one fingerprint and tick time, so a replayed tick yields the same id.
 */
export function tickEventId(fingerprint: string, now: number): string {
  return `tick:${fingerprint}@${now}`;
}

// Site-generated device names end with the kind ("M3号检查井液位计", "Manhole M3 drain level sensor");
// a duty-desk line reads better about the place ("M3号检查井水位 85%").
const KIND_SUFFIXES: Record<DeviceContext['kind'], Bilingual> = {
  door: { zh: '门禁', en: ' door controller' },
  camera: { zh: '摄像机', en: ' camera' },
  drain: { zh: '液位计', en: ' drain level sensor' },
};

/** The device's place, from its name without the kind suffix (the full name when it has none). */
export function placeLabel(device: DeviceContext): Bilingual {
  const suffix = KIND_SUFFIXES[device.kind];
  const strip = (name: string, s: string) => (name.endsWith(s) && name.length > s.length ? name.slice(0, -s.length) : name);
  return { zh: strip(device.name.zh, suffix.zh), en: strip(device.name.en, suffix.en) };
}

export const pct = (x: number): number => Math.round(x);
export const minutes = (ms: number): string => String(Math.round((ms / 60_000) * 10) / 10);
