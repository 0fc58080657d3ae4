import type { ErrorCode } from '../../../services/shared/errors.ts';
import type { DriverLinkState, DriverStatus } from '../driver.ts';

/**
 * Why a device counts as faulty. `link`: it does not answer properly (unreachable,
 * timeout, garbage, refusal, a value it should not send); `clock`: its clock is
 * beyond tolerance. An episode lasts while any condition holds.
 */
export type FaultCondition = 'link' | 'clock';

export type EpisodeEvent =
  | { type: 'device.fault'; data: { code: ErrorCode; reason: string } }
  /** `code`: the last fault of the episode, for the log; it is not part of the event. */
  | { type: 'device.recovered'; data: { faultSeconds: number }; code: ErrorCode };

interface Fault {
  code: ErrorCode;
  reason: string;
}

/**
 * Fault episodes of one device, as DeviceDriver promises them, without I/O: a
 * device that keeps failing through an hour of retries is one episode, with one
 * `device.fault` when the first condition appears and one `device.recovered` when
 * the last one clears. Failures inside an episode (the code may change, e.g. from
 * unreachable to refused credentials while a camera boots) update the status only.
 */
export class FaultEpisodes {
  private readonly active = new Map<FaultCondition, Fault>();
  private state: DriverLinkState = 'connecting';
  private episodeStartedAt = 0;
  private lastFault: Fault | undefined;
  private lastOkAt: number | undefined;
  private faults = 0;

  fail(condition: FaultCondition, code: ErrorCode, reason: string, nowMs: number): EpisodeEvent | undefined {
    const fault = { code, reason };
    this.active.set(condition, fault);
    this.lastFault = fault;
    if (this.state === 'fault') return undefined;
    // DriverStatus.faults counts ok → fault; a device that never answered is a fault, not a relapse.
    if (this.state === 'ok') this.faults += 1;
    this.state = 'fault';
    this.episodeStartedAt = nowMs;
    return { type: 'device.fault', data: { code, reason } };
  }

  /**
   * The condition is gone; the device just answered properly. A good link is what
   * makes a `connecting` device `ok`; a good clock reading only ends a clock fault.
   */
  clear(condition: FaultCondition, nowMs: number): EpisodeEvent | undefined {
    if (!this.active.delete(condition) && condition !== 'link') return undefined;
    return this.settle(nowMs);
  }

  /** The device answered properly and nothing about it is wrong: every condition ends. */
  clearAll(nowMs: number): EpisodeEvent | undefined {
    this.active.clear();
    return this.settle(nowMs);
  }

  has(condition: FaultCondition): boolean {
    return this.active.has(condition);
  }

  status(): DriverStatus {
    const status: DriverStatus = { state: this.state, faults: this.faults };
    if (this.state === 'fault' && this.lastFault) {
      status.faultCode = this.lastFault.code;
      status.faultReason = this.lastFault.reason;
    }
    if (this.lastOkAt !== undefined) status.lastOkAt = this.lastOkAt;
    return status;
  }

  private settle(nowMs: number): EpisodeEvent | undefined {
    this.lastOkAt = nowMs;
    if (this.active.size > 0) {
      this.lastFault = [...this.active.values()].at(-1);
      return undefined;
    }
    const ended = this.state === 'fault' ? this.lastFault : undefined;
    this.state = 'ok';
    this.lastFault = undefined;
    if (!ended) return undefined;
    // Tenths of a second: short episodes (a restart) still show as non-zero.
    const faultSeconds = Math.max(0, Math.round((nowMs - this.episodeStartedAt) / 100) / 10);
    return { type: 'device.recovered', data: { faultSeconds }, code: ended.code };
  }
}
