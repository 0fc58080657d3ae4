/**
 * The rules engine: observations and clock ticks in, alert signals out.
 *
 * Pure given the state store: no I/O, no timers, no wall clock. Time comes
 * from observations (`at`, service time; envelope `ts`, device time) and from
 * `tick(now)`, which the service calls regularly with its clock.
 *
 * Flapping. Each rule emits a transition once: `fire` when its condition starts,
 * `clear` when it ends, never again while the condition holds, and nothing for
 * a repeated event id. A condition that really comes and goes (fire, clear,
 * fire) emits each transition; the ticket side attaches a re-fire to the open
 * ticket with the same fingerprint. What keeps the number of transitions low is
 * the rules' own damping: drain hysteresis and minimum durations, the rapid-rise
 * clear at half rate, the quiet windows for denied cards and night motion, and
 * the offline grace (a device back within it raises nothing at all) and the
 * device-fault grace (a driver's fault that recovers within it neither).
 *
 * One observation may yield several signals; they share its event id, so
 * consumers de-duplicate on (fingerprint, action, eventId), not on eventId alone.
 */
import type { AlertSignal, Bilingual, DeviceContext, Observation } from '../model.ts';
import { observeCamera, tickCamera } from './camera-rules.ts';
import { observeDeviceFault, tickDeviceFault } from './device-fault-rules.ts';
import { observeDoor, tickDoor } from './door-rules.ts';
import { observeDrain, tickDrain } from './drain-rules.ts';
import { LivenessRules, type CompoundGroup } from './liveness-rules.ts';
import { deviceIdOf, firstSighting } from './observations.ts';
import { assertRuleOverrides } from './override-checks.ts';
import type { DeviceRuleContext } from './rule-context.ts';
import { resolveCompoundSettings, resolveRuleSettings, type RuleSettings, type RuleSettingsOverrides } from './settings.ts';
import type { RuleStateStore } from './state-store.ts';

/** When the engine first saw time pass: the "last heard" of a device never heard from. */
const STARTED_AT_KEY = 'engine/startedAt';

export class RuleEngine {
  private devices = new Map<string, DeviceContext>();
  private settings = new Map<string, RuleSettings>();
  private liveness!: LivenessRules;
  private overrides: RuleSettingsOverrides;
  private compounds = new Map<string, CompoundGroup>();

  /**
   * Checks the overrides against the site (unknown compound, place, device, rule, setting or
   * camera zone) and resolves every device's settings now, so a bad override fails at
   * start-up with its key, not at 3 a.m. by muting nothing.
   */
  constructor(devices: readonly DeviceContext[], overrides: RuleSettingsOverrides = {}) {
    this.overrides = overrides;
    this.reconfigure(devices, overrides);
  }

  /**
   * Takes a new device list (and rule settings) while running (issue 17): a device added
   * through the API is known from its first message on. Rule state lives in the store, keyed
   * by device and compound, so nothing learnt about the other devices is lost. All or
   * nothing: a bad setting throws and leaves the engine as it was.
   */
  reconfigure(devices: readonly DeviceContext[], overrides: RuleSettingsOverrides = this.overrides): void {
    assertRuleOverrides(overrides, devices);
    const byId = new Map<string, DeviceContext>();
    const settings = new Map<string, RuleSettings>();
    const compounds = new Map<string, CompoundGroup>();
    for (const device of devices) {
      if (byId.has(device.deviceId)) throw new RangeError(`device ${device.deviceId} is listed twice`);
      byId.set(device.deviceId, device);
      settings.set(device.deviceId, resolveRuleSettings(overrides, device));
      const group = compounds.get(device.compoundId) ?? {
        compoundId: device.compoundId,
        communityId: device.communityId,
        name: device.compoundName ?? { zh: `小区 ${device.compoundId}`, en: `Compound ${device.compoundId}` },
        devices: [],
        settings: resolveCompoundSettings(overrides, device.compoundId),
      };
      (group.devices as DeviceContext[]).push(device);
      compounds.set(device.compoundId, group);
    }
    this.devices = byId;
    this.settings = settings;
    this.overrides = overrides;
    this.compounds = compounds;
    this.liveness = new LivenessRules(compounds, (id) => this.settingsOf(id));
  }

  /**
   * New rule settings only (an admin's edit), for the devices known now. What has fired stays
   * fired in the rule state, so a change never fires a condition twice nor reopens a ticket.
   */
  reconfigureRules(overrides: RuleSettingsOverrides): void {
    this.reconfigure([...this.devices.values()], overrides);
  }

  /** Whether the site config this engine was built from has the device. */
  knows(deviceId: string): boolean {
    return this.devices.has(deviceId);
  }

  /** Pure given the store: reads/writes rule state in `state`, returns signals in order. Unknown device -> no signals (and no throw). */
  observe(state: RuleStateStore, observation: Observation): AlertSignal[] {
    const device = this.devices.get(deviceIdOf(observation));
    if (!device) return [];
    if (!firstSighting(state, device.deviceId, observation.eventId)) return [];
    startClock(state, observation.at);
    // Back-online first: a device's first message after an outage should close that before anything new opens.
    const out = this.liveness.observe(state, device, observation);
    if (observation.kind !== 'envelope') return out;
    const ctx = this.context(state, device);
    // What the driver says about the device (faults, lost events), whatever its kind.
    out.push(...observeDeviceFault(ctx, observation));
    switch (device.kind) {
      case 'drain':
        out.push(...observeDrain(ctx, observation));
        break;
      case 'door':
        out.push(...observeDoor(ctx, observation));
        break;
      case 'camera':
        out.push(...observeCamera(ctx, observation));
        break;
    }
    return out;
  }

  /** Time-based rules (missing heartbeat, stale sensor, minimum durations, offline and device-fault grace, mass-outage windows). */
  tick(state: RuleStateStore, now: number): AlertSignal[] {
    const startedAt = startClock(state, now);
    const out = this.liveness.tick(state, now, startedAt);
    for (const device of this.devices.values()) {
      const ctx = this.context(state, device);
      const down = this.liveness.isDown(state, device.deviceId);
      out.push(...tickDeviceFault(ctx, now, down));
      switch (device.kind) {
        case 'drain':
          out.push(...tickDrain(ctx, now, startedAt, down));
          break;
        case 'door':
          out.push(...tickDoor(ctx, now));
          break;
        case 'camera':
          out.push(...tickCamera(ctx, now));
          break;
      }
    }
    return out;
  }

  /** The resolved settings of a device (for the service and the duty desk to show). */
  settingsOf(deviceId: string): RuleSettings {
    const s = this.settings.get(deviceId);
    if (!s) throw new RangeError(`unknown device ${deviceId}`);
    return s;
  }

  /** A compound's own settings (site and compound layers) and name: what grouped incidents are judged by. */
  compound(compoundId: string): { communityId: string; name: Bilingual; settings: RuleSettings } | undefined {
    const c = this.compounds.get(compoundId);
    return c && { communityId: c.communityId, name: c.name, settings: c.settings };
  }

  /** The device a signal is about, or undefined for a group (a compound). */
  device(deviceId: string): DeviceContext | undefined {
    return this.devices.get(deviceId);
  }

  private context(state: RuleStateStore, device: DeviceContext): DeviceRuleContext {
    return { device, settings: this.settingsOf(device.deviceId), state };
  }
}

function startClock(state: RuleStateStore, at: number): number {
  const startedAt = state.get<number>(STARTED_AT_KEY);
  if (startedAt !== undefined) return startedAt;
  state.set(STARTED_AT_KEY, at);
  return at;
}
