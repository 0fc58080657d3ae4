import { z } from 'zod';
import { DEVICE_KINDS, type DeviceKind } from '../services/shared/envelope.ts';
import { OcError } from '../services/shared/errors.ts';
import type { PlacedDevice } from '../services/site/devices.ts';
import { readConfigFile } from '../services/shared/config-file.ts';
import { configError } from '../services/shared/config-error.ts';
import type { CameraAction } from './models/camera.ts';
import type { DoorAction } from './models/door.ts';
import type { DrainAction } from './models/drain.ts';
import { DEFAULT_UTC_OFFSET_MIN } from './models/model.ts';

const seconds = z.number().positive();
const share = z.number().min(0).max(1);
const base = {
  /** Seconds of simulated time after the start. */
  at: z.number().nonnegative(),
  /**
   * A device id, a place id (m3, b1-u1, gate-n), a building id (b2), a compound id (dl8)
   * or `*`: every device there that the action fits.
   */
  target: z.string().min(1),
  /** A name for the event, so a scripted incident can say which events it is made of. */
  id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes').optional(),
};

const eventSchema = z.discriminatedUnion('do', [
  z.object({ ...base, do: z.literal('forced-open'), durationS: seconds.optional() }).strict(),
  z.object({ ...base, do: z.literal('held-open'), durationS: seconds }).strict(),
  z
    .object({ ...base, do: z.literal('tamper'), reason: z.string().min(1).optional(), mode: z.enum(['cover', 'blur']).optional(), durationS: seconds.optional() })
    .strict(),
  z.object({ ...base, do: z.literal('video-loss'), durationS: seconds }).strict(),
  z.object({ ...base, do: z.literal('motion'), zone: z.string().min(1).optional() }).strict(),
  z.object({ ...base, do: z.literal('rainstorm'), durationS: seconds, intensityMmH: z.number().positive().max(300) }).strict(),
  z
    .object({ ...base, do: z.literal('grease-blockage'), ratePerHour: share, maxBlockage: share.optional(), blockage: share.optional() })
    .strict(),
  z.object({ ...base, do: z.literal('clear-blockage') }).strict(),
  /** The devices lose power at `at` and get it back `durationS` later (see SimulationRunner). */
  z.object({ ...base, do: z.literal('power-cut'), durationS: seconds }).strict(),
]);

/**
 * A scripted incident: the events it is made of, and the tickets a desk should get for it.
 * A ticket is explained by the incident when its alert type is listed (`drain.*` for a
 * family) and its subject is at the explanation's target (device, place, building,
 * compound or `*`; the incident's own events' targets when omitted), opened from the
 * incident's first event on (and within `windowS` of it, when given).
 */
const incidentSchema = z
  .object({
    id: z.string().regex(/^[a-z0-9][a-z0-9-]*$/, 'must be lower-case letters, digits and dashes'),
    title: z.string().min(1).optional(),
    /** Incident class for the report and the tests (drain, storm, door, outage, ...). */
    class: z.string().min(1),
    events: z.array(z.string().min(1)).min(1),
    /** It explains only tickets opened within this many seconds of its start (default: until the end of the run). */
    windowS: seconds.optional(),
    explains: z
      .array(z.object({ type: z.string().regex(/^[a-z-]+\.(\*|[a-z-]+)$/, 'must be an alert type such as drain.level-critical, or a family such as drain.*'), target: z.string().min(1).optional() }).strict())
      .min(1),
  })
  .strict();

// ISO 8601 with an explicit zone: the zone sets the local hour the traffic models follow.
const ISO_WITH_ZONE = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d{1,3})?)?(?:Z|[+-]\d{2}:\d{2})$/;

export const scenarioSchema = z
  .object({
    name: z.string().optional(),
    description: z.string().optional(),
    seed: z.number().int().nonnegative().default(1),
    /** Simulated seconds per wall-clock second. */
    speed: z.number().positive().default(60),
    /** Simulated length of the run. */
    durationS: seconds.default(3600),
    /** Simulated start; omitted, the run starts at the simulation clock's current time. */
    startAt: z
      .string()
      .regex(ISO_WITH_ZONE, 'must be an ISO 8601 date-time with a zone, e.g. 2026-07-15T18:00:00+08:00')
      .refine((s) => !Number.isNaN(Date.parse(s)), 'is not a real date')
      .optional(),
    /** Which devices to simulate: kinds (door), device ids, or place, building or compound ids; omitted, all. */
    devices: z.array(z.string().min(1)).min(1).optional(),
    broker: z.string().regex(/^mqtts?:\/\/[^\s/]+/, 'must be mqtt://host:port or mqtts://host:port').optional(),
    events: z.array(eventSchema).default([]),
    /** What a duty desk should get from the script: the noise report's yardstick. */
    incidents: z.array(incidentSchema).default([]),
  })
  .strict()
  .superRefine((s, ctx) => {
    s.events.forEach((e, i) => {
      if (e.at > s.durationS) ctx.addIssue({ code: 'custom', path: ['events', i, 'at'], message: `is after the end of the run (durationS ${s.durationS})` });
    });
    const eventIds = new Set<string>();
    s.events.forEach((e, i) => {
      if (e.id === undefined) return;
      if (eventIds.has(e.id)) ctx.addIssue({ code: 'custom', path: ['events', i, 'id'], message: `'${e.id}' names another event too` });
      eventIds.add(e.id);
    });
    const incidentIds = new Set<string>();
    s.incidents.forEach((incident, i) => {
      if (incidentIds.has(incident.id)) ctx.addIssue({ code: 'custom', path: ['incidents', i, 'id'], message: `'${incident.id}' names another incident too` });
      incidentIds.add(incident.id);
      incident.events.forEach((id, j) => {
        if (!eventIds.has(id)) ctx.addIssue({ code: 'custom', path: ['incidents', i, 'events', j], message: `no scripted event has the id '${id}'` });
      });
    });
  });

export type Scenario = z.infer<typeof scenarioSchema>;
export type ScenarioInput = z.input<typeof scenarioSchema>;
export type ScenarioEvent = Scenario['events'][number];
export type ScenarioIncident = Scenario['incidents'][number];
export type ScenarioVerb = ScenarioEvent['do'];
export type ModelAction = DoorAction | CameraAction | DrainAction;
/** Not a model's action: the runner cuts the device's power (its agent and its model) for `durationS`. */
export interface PowerCutAction {
  do: 'power-cut';
  durationS: number;
}

/** Which device kinds each scripted action makes sense for. */
export const ACTION_KINDS: Record<ScenarioVerb, readonly DeviceKind[]> = {
  'forced-open': ['door'],
  'held-open': ['door'],
  tamper: ['door', 'camera'],
  'video-loss': ['camera'],
  motion: ['camera'],
  rainstorm: ['drain'],
  'grease-blockage': ['drain'],
  'clear-blockage': ['drain'],
  'power-cut': DEVICE_KINDS,
};

/** Validates a parsed scenario; errors carry OC_CONFIG_INVALID and name the key, e.g. `events.3.durationS`. */
export function parseScenario(raw: unknown, source = 'scenario'): Scenario {
  const result = scenarioSchema.safeParse(raw);
  if (!result.success) {
    throw configError(source, result.error.issues);
  }
  return result.data;
}

/** Reads a YAML or JSON scenario file and validates it. */
export function loadScenarioFile(path: string): Scenario {
  return parseScenario(readScenarioFile(path), path);
}

/** The raw (unvalidated) content of a scenario file, for merging with command-line flags first. */
export function readScenarioFile(path: string): unknown {
  return readConfigFile(path, 'scenario file');
}

/** Minutes east of UTC in the scenario's start time; the site's local zone when it has none. */
export function scenarioUtcOffsetMin(scenario: Pick<Scenario, 'startAt'>): number {
  const m = scenario.startAt?.match(/(Z|([+-])(\d{2}):(\d{2}))$/);
  if (!m) return DEFAULT_UTC_OFFSET_MIN;
  if (m[1] === 'Z') return 0;
  return (m[2] === '-' ? -1 : 1) * (Number(m[3]) * 60 + Number(m[4]));
}

/** One scripted action bound to one device. */
export interface ScheduledAction {
  /** Simulated ms after the start. */
  atMs: number;
  deviceId: string;
  kind: DeviceKind;
  action: ModelAction | PowerCutAction;
  /** Index in `scenario.events`, for messages. */
  eventIndex: number;
}

/**
 * Binds every scripted event to the devices it means. A target is a device id, or
 * a place, building or compound id (the devices there that the action fits), or `*`.
 */
export function resolveScenarioEvents(scenario: Pick<Scenario, 'events'>, devices: readonly PlacedDevice[]): ScheduledAction[] {
  const out: ScheduledAction[] = [];
  scenario.events.forEach((event, i) => {
    const { at, target, id: _id, ...action } = event;
    const kinds = ACTION_KINDS[event.do];
    const key = `events.${i}.target`;
    let matched: PlacedDevice[];
    const byId = devices.find((d) => d.id === target);
    if (byId) {
      if (!kinds.includes(byId.kind)) {
        throw scenarioKeyError(key, `'${target}' is a ${byId.kind}; '${event.do}' needs a ${kinds.join(' or ')}`);
      }
      matched = [byId];
    } else {
      const candidates = target === '*' ? devices : devices.filter((d) => isAt(d, target));
      if (candidates.length === 0) throw scenarioKeyError(key, `unknown device, place, building or compound '${target}'`);
      matched = candidates.filter((d) => kinds.includes(d.kind));
      if (matched.length === 0) throw scenarioKeyError(key, `no ${kinds.join(' or ')} at '${target}' for '${event.do}'`);
    }
    for (const d of matched) {
      out.push({ atMs: Math.round(at * 1000), deviceId: d.id, kind: d.kind, action: action as ModelAction | PowerCutAction, eventIndex: i });
    }
  });
  return out;
}

/** The device sits at this place, in this building or in this compound. */
export function isAt(d: Pick<PlacedDevice, 'placeId' | 'buildingId' | 'compoundId'>, where: string): boolean {
  return d.placeId === where || d.buildingId === where || d.compoundId === where;
}

/** The devices a `devices` filter keeps: each entry is a kind, a device id, or a place, building or compound id. */
export function selectDevices(devices: readonly PlacedDevice[], filter: readonly string[] | undefined): PlacedDevice[] {
  if (!filter) return [...devices];
  const keep = new Set<string>();
  filter.forEach((f, i) => {
    const matches = (DEVICE_KINDS as readonly string[]).includes(f)
      ? devices.filter((d) => d.kind === f)
      : devices.filter((d) => d.id === f || isAt(d, f));
    if (matches.length === 0) throw scenarioKeyError(`devices.${i}`, `'${f}' is not a device kind, device id or place, building or compound id of this site`);
    for (const d of matches) keep.add(d.id);
  });
  return devices.filter((d) => keep.has(d.id));
}

function scenarioKeyError(key: string, problem: string): OcError {
  return new OcError('OC_CONFIG_INVALID', `scenario: ${key}: ${problem}`, { keys: [key] });
}
