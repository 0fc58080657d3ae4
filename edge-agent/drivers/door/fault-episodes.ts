import type { DeviceAgent } from '../../agent-api.ts';
import type { Clock } from '../../../services/shared/clock.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DriverStatus } from '../driver.ts';

/**
 * Turns a stream of "the device misbehaved" / "the device is fine" observations
 * into the driver status and into at most one `device.fault` and one
 * `device.recovered` event per fault episode, so a controller that keeps failing
 * during a long outage does not flood the desk with one event per retry.
 */
export class FaultEpisodes {
  private current: DriverStatus = { state: 'connecting', faults: 0 };
  private faultSinceMs = 0;

  constructor(
    private readonly agent: DeviceAgent,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  status(): DriverStatus {
    return { ...this.current };
  }

  /** The device misbehaved. The first fault of an episode is reported; later ones only update the status. */
  fault(code: string, reason: string): void {
    const starting = this.current.state !== 'fault';
    this.current = { ...this.current, state: 'fault', faultCode: code, faultReason: reason };
    if (!starting) {
      this.log.debug({ code, reason }, 'device still faulty');
      return;
    }
    this.current.faults += 1;
    this.faultSinceMs = this.clock.now();
    this.log.warn({ code, reason }, 'device fault');
    this.report('device.fault', { code, reason });
  }

  /** The device answered properly. Ends a fault episode with `device.recovered`. */
  ok(): void {
    const now = this.clock.now();
    if (this.current.state === 'fault') {
      const faultSeconds = Math.max(0, Math.round((now - this.faultSinceMs) / 100) / 10);
      this.log.info({ faultSeconds, code: this.current.faultCode }, 'device recovered');
      this.report('device.recovered', { faultSeconds });
    }
    this.current = { state: 'ok', faults: this.current.faults, lastOkAt: now };
  }

  private report(type: string, data: Record<string, unknown>): void {
    try {
      this.agent.emitEvent(type, data);
    } catch (err) {
      // Only a closed agent lands here, while the driver is being shut down; the status still tells.
      this.log.debug({ err: (err as Error).message, type }, 'could not report to the agent');
    }
  }
}
