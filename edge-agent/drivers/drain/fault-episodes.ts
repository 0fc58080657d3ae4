import type { DriverStatus } from '../driver.ts';

/** What the driver must report after an observation: nothing, a new fault episode, or its end. */
export type EpisodeChange =
  | { kind: 'none' }
  | { kind: 'fault'; code: string; reason: string }
  | { kind: 'recovered'; faultSeconds: number; code: string };

/**
 * The driver status as a small state machine, without I/O. A sensor that keeps
 * failing for an hour of retries is one episode: one `device.fault` when it
 * starts and one `device.recovered` when the device answers properly again;
 * the status keeps the latest code and reason meanwhile.
 */
export class FaultEpisodes {
  private current: DriverStatus = { state: 'connecting', faults: 0 };
  private faultSinceMs = 0;

  status(): DriverStatus {
    return { ...this.current };
  }

  fault(code: string, reason: string, nowMs: number): EpisodeChange {
    const previous = this.current.state;
    this.current = { ...this.current, state: 'fault', faultCode: code, faultReason: reason };
    if (previous === 'fault') return { kind: 'none' };
    // DriverStatus.faults counts ok → fault; a device that never answered is a fault, not a relapse.
    if (previous === 'ok') this.current.faults += 1;
    this.faultSinceMs = nowMs;
    return { kind: 'fault', code, reason };
  }

  ok(nowMs: number): EpisodeChange {
    const wasFault = this.current.state === 'fault';
    const code = this.current.faultCode ?? '';
    this.current = { state: 'ok', faults: this.current.faults, lastOkAt: nowMs };
    if (!wasFault) return { kind: 'none' };
    // Tenths of a second: short episodes (a restart) still show as non-zero.
    return { kind: 'recovered', faultSeconds: Math.max(0, Math.round((nowMs - this.faultSinceMs) / 100) / 10), code };
  }
}
