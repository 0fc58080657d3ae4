import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import type { DrainLevelData } from '../../../services/shared/drain-level.ts';
import { isOcError, OcError } from '../../../services/shared/errors.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceAgent } from '../../agent-api.ts';
import type { DeviceDriver, DriverContext, DriverStatus } from '../driver.ts';
import { ClockSkew, roundTripOffset } from '../shared/clock-skew.ts';
import { DeviceHealth } from '../shared/device-health.ts';
import { SessionLoop } from '../shared/session-loop.ts';
import type { DrainDriverConfig } from './config.ts';
import { openModbusLink, type ModbusLink, type OpenModbusLink } from './modbus-link.ts';
import { decodeInputRegisters, judgeSample, nextPollDelayMs, type SensorRegisters } from './reading.ts';
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
  private readonly health: DeviceHealth;
  private readonly skew: ClockSkew;
  private readonly sessions: SessionLoop;
  private readonly abort = new AbortController();
  private link: ModbusLink | undefined;
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
    this.health = new DeviceHealth(this.agent, this.clock, this.log);
    this.skew = new ClockSkew({ toleranceMs: config.clockToleranceMs });
    this.sessions = new SessionLoop({
      backoff: { initialMs: config.retryInitialMs, maxMs: config.retryMaxMs },
      session: () => this.session(),
      onFailure: (err) => {
        const deviceError = asDeviceError(err);
        this.health.fail('link', deviceError.code, deviceError.message);
      },
      afterSession: () => this.dropLink(),
      log: this.log,
    });
  }

  private get closing(): boolean {
    return this.sessions.stopping;
  }

  start(): void {
    if (this.closing) throw new OcError('OC_AGENT_CLOSED', `drain driver ${this.deviceId} is closed`);
    this.sessions.start();
  }

  status(): DriverStatus {
    return this.health.status();
  }

  async close(): Promise<void> {
    const stopped = this.sessions.stop();
    this.abort.abort();
    await this.link?.close();
    await stopped;
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
      if (outcome === 'ok') this.sessions.backoff.reset();
      // A refusal is the device asking for a pause; a sensor fault is the water, not the link.
      const delay = outcome === 'refused' ? this.sessions.backoff.nextDelayMs() : nextPollDelayMs(this.config, this.lastLevelMm);
      await this.sessions.pause(delay);
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
        this.health.fail('link', err.code, err.message);
        return 'refused';
      }
      throw err;
    }
    const answeredAt = this.clock.now();
    const registers = decodeInputRegisters(words);
    if (!registers) throw new OcError('OC_DEVICE_MALFORMED_RESPONSE', `expected ${INPUT_COUNT} input registers, got ${words.length}`);

    const skewMs = roundTripOffset(registers.deviceClockMs, requestedAt, answeredAt);
    this.skew.observe(skewMs);
    const clockOk = !this.skew.isSkewed;
    // Counter 0: no measurement since power-up, nothing to judge or send yet.
    const verdict = registers.sampleCounter === 0 ? undefined : judgeSample(registers, this.config);
    // Status first, then the reading: a consumer learns why a ts is the agent's before it sees it,
    // and that the sensor is back before its first good reading.
    if (!clockOk) this.health.fail('clock', 'OC_DEVICE_CLOCK_SKEW', this.skew.describe(registers.clockNotSet ? 'not set since power-up' : undefined));
    if (verdict && !verdict.ok) this.health.fail('link', verdict.code, verdict.reason);
    else if (clockOk) this.health.clearAll();
    if (verdict?.ok) this.publishIfNew(verdict.data, registers);
    if (!clockOk && this.config.syncClock) await this.setDeviceClock(link, skewMs);
    return verdict && !verdict.ok ? 'sensor-fault' : 'ok';
  }

  /**
   * Sends a believable measurement unless it was sent already: the driver polls
   * more often than the sensor measures, and the counter and sample time tell a
   * new measurement from the last one. A bad value is judged on every poll
   * instead, so a stuck bad value keeps its fault open.
   */
  private publishIfNew(data: DrainLevelData, r: SensorRegisters): void {
    this.lastLevelMm = data.levelMm;
    if (this.lastSent?.counter === r.sampleCounter && this.lastSent.sampleTimeMs === r.sampleTimeMs) return;
    this.lastSent = { counter: r.sampleCounter, sampleTimeMs: r.sampleTimeMs };
    // A sensor with a wrong clock: its sample time moved onto the agent's clock by the measured skew.
    const ts = new Date(this.skew.correct(r.sampleTimeMs));
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

  private async dropLink(): Promise<void> {
    const link = this.link;
    this.link = undefined;
    await link?.close();
  }
}

/** Anything unexpected from the link is still the device's doing as far as the status goes. */
function asDeviceError(err: unknown): OcError {
  if (isOcError(err)) return err;
  return new OcError('OC_DEVICE_MALFORMED_RESPONSE', err instanceof Error ? err.message : String(err));
}
