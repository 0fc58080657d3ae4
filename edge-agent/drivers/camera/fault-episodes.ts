import type { ErrorCode } from '../../../services/shared/errors.ts';
import type { DriverStatus } from '../driver.ts';

/** Why a device counts as faulty: it does not answer properly, or its clock is wrong. */
export type FaultCondition = 'link' | 'clock';

export type EpisodeEvent =
  | { type: 'device.fault'; data: { code: ErrorCode; reason: string } }
  | { type: 'device.recovered'; data: { faultSeconds: number } };

/**
 * Fault episodes of one device, as DeviceDriver promises them: `device.fault` once
 * when the first condition appears, `device.recovered` when the last one clears.
 * Further failures inside an episode (the code may change, e.g. from unreachable
 * to refused credentials while the camera boots) update the status only.
 */
export class FaultEpisodes {
  private readonly active = new Map<FaultCondition, { code: ErrorCode; reason: string }>();
  private state: DriverStatus['state'] = 'connecting';
  private episodeStartedAt = 0;
  private lastFault: { code: ErrorCode; reason: string } | undefined;
  private lastOkAt: number | undefined;
  private faults = 0;

  fail(condition: FaultCondition, code: ErrorCode, reason: string, nowMs: number): EpisodeEvent | undefined {
    this.active.set(condition, { code, reason });
    this.lastFault = { code, reason };
    if (this.state === 'fault') return undefined;
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
    const had = this.active.delete(condition);
    this.lastOkAt = nowMs;
    if (!had && condition !== 'link') return undefined;
    if (this.active.size > 0) {
      this.lastFault = [...this.active.values()].at(-1);
      return undefined;
    }
    const wasFault = this.state === 'fault';
    this.state = 'ok';
    this.lastFault = undefined;
    if (!wasFault) return undefined;
    return { type: 'device.recovered', data: { faultSeconds: Math.max(0, (nowMs - this.episodeStartedAt) / 1000) } };
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
}
