import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import { isOcError, OcError, type ErrorCode } from '../../../services/shared/errors.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceAgent } from '../../agent-api.ts';
import { ReconnectBackoff } from '../../reconnect-backoff.ts';
import type { DeviceDriver, DriverContext, DriverStatus } from '../driver.ts';
import type { DrainDriverConfig } from './config.ts';
import { FaultEpisodes, type EpisodeChange } from './fault-episodes.ts';
import { openModbusLink, type ModbusLink, type OpenModbusLink } from './modbus-link.ts';
import { clockSkewMs, decodeInputRegisters, judgeSample, nextPollDelayMs, type DrainLevelData, type SensorRegisters } from './reading.ts';
import { encodeTime, HOLDING, INPUT_COUNT } from './register-map.ts';

/** What one poll of a live link came to; link failures are thrown instead. */
type PollOutcome = 'ok' | 'sensor-fault' | 'refused';

/**
 * Polls a drain level sensor over Modbus TCP (README.md in this folder has the
 * register map) and publishes `drain.level` telemetry through the agent.
 *
 * One loop per driver: connect, poll until the link fails, back off, reconnect.
 * Nothing escapes the loop: a lost link, a timeout, garbage, an exception answer,
 * an implausible value or a wrong clock is a fault episode (driver status,
 * `device.fault` once, `device.recovered` when the sensor answers properly again).
 */
export class DrainDriver implements DeviceDriver {
  readonly kind = 'drain' as const;
  readonly deviceId: string;

  private readonly agent: DeviceAgent;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly episodes = new FaultEpisodes();
  private readonly backoff: ReconnectBackoff;
  private readonly abort = new AbortController();
  private loop: Promise<void> | undefined;
  private link: ModbusLink | undefined;
  private wake: (() => void) | undefined;
  private closing = false;
  /** The last measurement published. */
  private lastSent: { counter: number; sampleTimeMs: number } | undefined;
  private lastLevelMm: number | undefined;

  constructor(
    private readonly config: DrainDriverConfig,
    context: DriverContext,
    private readonly openLink: OpenModbusLink = openModbusLink,
  ) {
    this.agent = context.agent;
    this.deviceId = context.agent.deviceId;
    this.clock = context.clock ?? systemClock;
    this.log = context.logger.child({ deviceId: this.deviceId, driver: 'drain', endpoint: `${config.host}:${config.port}` });
    this.backoff = new ReconnectBackoff(config.retryInitialMs, config.retryMaxMs);
  }

  start(): void {
    if (this.closing) throw new OcError('OC_AGENT_CLOSED', `drain driver ${this.deviceId} is closed`);
    this.loop ??= this.run();
  }

  status(): DriverStatus {
    return this.episodes.status();
  }

  async close(): Promise<void> {
    this.closing = true;
    this.abort.abort();
    this.wake?.();
    await this.link?.close();
    await this.loop;
  }

  private async run(): Promise<void> {
    while (!this.closing) {
      try {
        await this.session();
      } catch (err) {
        if (this.closing) break;
        const deviceError = asDeviceError(err);
        this.fault(deviceError.code, deviceError.message);
      }
      await this.dropLink();
      if (!this.closing) await this.sleep(this.backoff.nextDelayMs());
    }
    await this.dropLink();
  }

  /** One connection: polls until the link fails (throws) or the driver closes. */
  private async session(): Promise<void> {
    this.log.debug('connecting');
    this.link = await this.openLink({
      host: this.config.host,
      port: this.config.port,
      unitId: this.config.unitId,
      connectTimeoutMs: this.config.connectTimeoutMs,
      requestTimeoutMs: this.config.requestTimeoutMs,
      signal: this.abort.signal,
    });
    if (this.closing) return;
    this.log.debug('connected');
    while (!this.closing) {
      const outcome = await this.poll(this.link);
      if (outcome === 'ok') this.backoff.reset();
      // A refusal is the device asking for a pause; a sensor fault is the water, not the link.
      const delay = outcome === 'refused' ? this.backoff.nextDelayMs() : nextPollDelayMs(this.config, this.lastLevelMm);
      await this.sleep(delay);
    }
  }

  private async poll(link: ModbusLink): Promise<PollOutcome> {
    const requestedAt = this.clock.now();
    let words: number[];
    try {
      words = await link.readInputRegisters(0, INPUT_COUNT);
    } catch (err) {
      // The device is there and talking, it just said no: keep the link, retry after a pause.
      if (isOcError(err, 'OC_DEVICE_REFUSED')) {
        this.fault(err.code, err.message);
        return 'refused';
      }
      throw err;
    }
    const answeredAt = this.clock.now();
    const registers = decodeInputRegisters(words);
    if (!registers) throw new OcError('OC_DEVICE_MALFORMED_RESPONSE', `expected ${INPUT_COUNT} input registers, got ${words.length}`);

    const skewMs = clockSkewMs(registers.deviceClockMs, requestedAt, answeredAt);
    const clockOk = Math.abs(skewMs) <= this.config.clockToleranceMs;
    // Counter 0: no measurement since power-up, nothing to judge or send yet.
    const verdict = registers.sampleCounter === 0 ? undefined : judgeSample(registers, this.config);
    // Status first, then the reading: a consumer learns why a ts is the agent's before it sees it,
    // and that the sensor is back before its first good reading.
    if (!clockOk) this.fault('OC_DEVICE_CLOCK_SKEW', describeSkew(skewMs, registers.clockNotSet, this.config.clockToleranceMs));
    if (verdict && !verdict.ok) this.fault(verdict.code, verdict.reason);
    else if (clockOk) this.report(this.episodes.ok(this.clock.now()));
    if (verdict?.ok) this.publishIfNew(verdict.data, registers, clockOk ? 0 : skewMs);
    if (!clockOk && this.config.syncClock) await this.setDeviceClock(link, skewMs);
    return verdict && !verdict.ok ? 'sensor-fault' : 'ok';
  }

  /**
   * Sends a believable measurement unless it was sent already: the driver polls
   * more often than the sensor measures, and the counter and sample time tell a
   * new measurement from the last one. A bad value is judged on every poll
   * instead, so a stuck bad value keeps its fault open.
   */
  private publishIfNew(data: DrainLevelData, r: SensorRegisters, skewMs: number): void {
    this.lastLevelMm = data.levelMm;
    if (this.lastSent?.counter === r.sampleCounter && this.lastSent.sampleTimeMs === r.sampleTimeMs) return;
    this.lastSent = { counter: r.sampleCounter, sampleTimeMs: r.sampleTimeMs };
    // A sensor with a wrong clock: its sample time moved onto the agent's clock by the measured skew.
    const ts = new Date(r.sampleTimeMs - skewMs);
    try {
      this.agent.emitTelemetry('drain.level', data, ts);
    } catch (err) {
      this.log.error({ err: (err as Error).message }, 'agent refused the reading');
    }
  }

  private async setDeviceClock(link: ModbusLink, skewMs: number): Promise<void> {
    try {
      await link.writeRegisters(HOLDING.clockHi, encodeTime(this.clock.now()));
      this.log.info({ skewMs }, 'set the device clock');
    } catch (err) {
      // A device that refuses the time keeps the fault open; its readings still flow, with corrected times.
      if (!isOcError(err, 'OC_DEVICE_REFUSED')) throw err;
      this.log.warn({ err: err.message }, 'device refused the clock setting');
    }
  }

  private fault(code: ErrorCode, reason: string): void {
    const change = this.episodes.fault(code, reason, this.clock.now());
    if (change.kind === 'none') this.log.debug({ code, reason }, 'device still faulty');
    this.report(change);
  }

  private report(change: EpisodeChange): void {
    if (change.kind === 'none') return;
    const now = new Date(this.clock.now());
    if (change.kind === 'fault') {
      this.log.warn({ code: change.code, reason: change.reason }, 'device fault');
      this.emitEvent('device.fault', { code: change.code, reason: change.reason }, now);
    } else {
      this.log.info({ faultSeconds: change.faultSeconds, code: change.code }, 'device recovered');
      this.emitEvent('device.recovered', { faultSeconds: change.faultSeconds }, now);
    }
  }

  private emitEvent(type: string, data: Record<string, unknown>, at: Date): void {
    try {
      this.agent.emitEvent(type, data, at);
    } catch (err) {
      // Only a closed agent lands here, while its owner shuts down; the status still tells.
      this.log.debug({ err: (err as Error).message, type }, 'could not report to the agent');
    }
  }

  private async dropLink(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }

  /** Waits `ms`, or less if the driver closes meanwhile. */
  private sleep(ms: number): Promise<void> {
    if (this.closing) return Promise.resolve();
    return new Promise<void>((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = done;
    }).finally(() => {
      this.wake = undefined;
    });
  }
}

function describeSkew(skewMs: number, clockNotSet: boolean, toleranceMs: number): string {
  const seconds = Math.round(Math.abs(skewMs) / 100) / 10;
  const notSet = clockNotSet ? ' (not set since power-up)' : '';
  return `device clock is ${seconds} s ${skewMs > 0 ? 'ahead of' : 'behind'} the agent${notSet}; tolerance ${toleranceMs / 1000} s`;
}

/** Anything unexpected from the link is still the device's doing as far as the status goes. */
function asDeviceError(err: unknown): OcError {
  if (isOcError(err)) return err;
  return new OcError('OC_DEVICE_MALFORMED_RESPONSE', err instanceof Error ? err.message : String(err));
}
