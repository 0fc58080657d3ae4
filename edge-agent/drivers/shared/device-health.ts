import type { Clock } from '../../../services/shared/clock.ts';
import type { ErrorCode } from '../../../services/shared/errors.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceAgent } from '../../agent-api.ts';
import type { DriverStatus } from '../driver.ts';
import { FaultEpisodes, type EpisodeEvent, type FaultCondition } from './fault-episodes.ts';

/**
 * A driver's view of its device's health, told to the platform: what the driver
 * observes goes into FaultEpisodes, and the episode's start and end go to the agent
 * as `device.fault` / `device.recovered` and to the log. Those envelopes carry the
 * driver's clock: they are the agent's own observations, not device events.
 */
export class DeviceHealth {
  private readonly episodes = new FaultEpisodes();

  constructor(
    private readonly agent: DeviceAgent,
    private readonly clock: Clock,
    private readonly log: Logger,
  ) {}

  status(): DriverStatus {
    return this.episodes.status();
  }

  has(condition: FaultCondition): boolean {
    return this.episodes.has(condition);
  }

  /** The device misbehaved. The first fault of an episode is reported; later ones update the status. */
  fail(condition: FaultCondition, code: ErrorCode, reason: string): void {
    const before = this.episodes.status();
    const now = this.clock.now();
    const event = this.episodes.fail(condition, code, reason, now);
    if (event) return this.report(event, now);
    if (before.faultCode !== code) this.log.warn({ code, reason, was: before.faultCode }, 'device fault changed');
    else this.log.debug({ code, reason }, 'device still faulty');
  }

  /** The condition is gone (see FaultEpisodes.clear). */
  clear(condition: FaultCondition): void {
    const now = this.clock.now();
    this.report(this.episodes.clear(condition, now), now);
  }

  /** The device answered properly and nothing about it is wrong. */
  clearAll(): void {
    const now = this.clock.now();
    this.report(this.episodes.clearAll(now), now);
  }

  private report(event: EpisodeEvent | undefined, nowMs: number): void {
    if (!event) return;
    if (event.type === 'device.fault') this.log.warn(event.data, 'device fault');
    else this.log.info({ faultSeconds: event.data.faultSeconds, code: event.code }, 'device recovered');
    try {
      this.agent.emitEvent(event.type, event.data, new Date(nowMs));
    } catch (err) {
      // Only a closed agent lands here, while its owner shuts down; the status still tells.
      this.log.debug({ err: (err as Error).message, type: event.type }, 'could not report to the agent');
    }
  }
}
