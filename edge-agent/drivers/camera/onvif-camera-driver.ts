import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import type { Logger } from '../../../services/shared/logger.ts';
import type { DeviceAgent } from '../../agent-api.ts';
import { ReconnectBackoff } from '../../reconnect-backoff.ts';
import type { DeviceDriver, DriverContext, DriverStatus } from '../driver.ts';
import { parseCameraDriverConfig, type CameraDriverConfig } from './camera-driver-config.ts';
import { CameraEventTracker, type CameraEvent } from './camera-events.ts';
import { ClockSkewMonitor } from './clock-skew.ts';
import { FaultEpisodes, type EpisodeEvent } from './fault-episodes.ts';
import { OnvifConnection, type CameraConnection, type CameraInfo } from './onvif-connection.ts';
import { classifyOnvifError, isSubscriptionGone } from './onvif-faults.ts';

/** Makes the connection for one session; tests of the loop may pass their own. */
export type ConnectionFactory = (config: CameraDriverConfig) => CameraConnection;

/**
 * An ONVIF camera driver (Profile S): connects with WS-Security digest, reads the
 * device information and media profiles, subscribes to a pull point and long-polls
 * it, and turns motion, tamper and video-loss events into envelopes through the
 * agent. Whatever the camera does (refuses, times out, hangs up, answers garbage,
 * reboots, keeps a wrong clock) becomes a fault episode; the driver starts a new
 * session with back-off until closed. See README.md in this folder.
 */
export class OnvifCameraDriver implements DeviceDriver {
  readonly kind = 'camera' as const;
  readonly deviceId: string;

  private readonly config: CameraDriverConfig;
  private readonly agent: DeviceAgent;
  private readonly log: Logger;
  private readonly clock: Clock;
  private readonly connect: ConnectionFactory;
  private readonly backoff: ReconnectBackoff;
  private readonly episodes = new FaultEpisodes();
  private readonly skew: ClockSkewMonitor;
  private readonly tracker: CameraEventTracker;
  private current: CameraConnection | null = null;
  private info: CameraInfo | null = null;
  private loop: Promise<void> | null = null;
  private closing = false;
  private closePromise: Promise<void> | null = null;
  private wakeSleep: (() => void) | null = null;

  /** `rawConfig` is validated here; a bad key throws OC_CONFIG_INVALID naming it. */
  constructor(rawConfig: unknown, ctx: DriverContext, connect: ConnectionFactory = (config) => new OnvifConnection(config)) {
    this.config = parseCameraDriverConfig(rawConfig);
    this.agent = ctx.agent;
    this.deviceId = ctx.agent.deviceId;
    this.clock = ctx.clock ?? systemClock;
    this.log = ctx.logger.child({ deviceId: this.deviceId, driver: 'onvif' });
    this.connect = connect;
    this.backoff = new ReconnectBackoff(this.config.reconnectInitialMs, this.config.reconnectMaxMs);
    this.skew = new ClockSkewMonitor(this.config.clockToleranceMs);
    this.tracker = new CameraEventTracker({ motionZone: this.config.motionZone });
  }

  start(): void {
    if (this.loop || this.closing) return;
    this.log.info({ url: this.config.url }, 'camera driver starting');
    // run() handles every camera failure itself; this only guards against a bug in the driver.
    this.loop = this.run().catch((err: unknown) => this.log.error({ err }, 'camera driver loop failed'));
  }

  status(): DriverStatus {
    return this.episodes.status();
  }

  /** What the camera said about itself in the current or last session. */
  cameraInfo(): CameraInfo | null {
    return this.info;
  }

  close(): Promise<void> {
    if (!this.closePromise) {
      this.closing = true;
      this.wakeSleep?.();
      this.closePromise = this.shutdown();
    }
    return this.closePromise;
  }

  // ---- the session loop ----

  private async run(): Promise<void> {
    while (!this.closing) {
      let connection: CameraConnection | null = null;
      try {
        connection = this.connect(this.config);
        this.current = connection;
        await this.session(connection);
      } catch (err) {
        if (!this.closing) this.linkFailed(err);
      } finally {
        if (connection) {
          if (this.current === connection) this.current = null;
          // Cameras have few subscription slots; an abandoned pull point holds one until it expires.
          await this.unsubscribeBriefly(connection);
          connection.destroy();
        }
      }
      if (!this.closing) await this.sleep(this.backoff.nextDelayMs());
    }
  }

  /** One connection's life: open, subscribe, pull until something breaks (it then throws) or the driver closes. */
  private async session(connection: CameraConnection): Promise<void> {
    const info = await connection.open();
    this.info = info;
    this.observeDeviceTime(info.deviceTimeMs);
    this.observeDeviceTime(await connection.subscribe());
    this.backoff.reset();
    this.log.info(
      { manufacturer: info.manufacturer, model: info.model, firmware: info.firmwareVersion, serial: info.serialNumber, profile: info.profileToken },
      'camera connected and subscribed',
    );
    this.report(this.episodes.clear('link', this.clock.now()));

    while (!this.closing) {
      const pulled = await this.orResubscribe(connection, () => connection.pull());
      if (!pulled) continue;
      this.observeDeviceTime(pulled.value.deviceTimeMs);
      this.report(this.episodes.clear('link', this.clock.now()));
      if (pulled.value.unreadable > 0) this.log.warn({ unreadable: pulled.value.unreadable }, 'skipped notification messages without a readable topic');
      for (const n of pulled.value.notifications) {
        for (const event of this.tracker.observe(n, info.snapshotUri, pulled.value.deviceTimeMs)) this.emitCameraEvent(event);
      }
      if (this.closing) break;
      // Renew after every pull, as the onvif package's own loop does: some cameras (Axis)
      // do not extend a pull point on PullMessages, and it lasts only PT2M.
      const renewed = await this.orResubscribe(connection, () => connection.renew());
      if (renewed?.value !== undefined) this.observeDeviceTime(renewed.value);
    }
  }

  /**
   * Runs a call on the pull point. If the camera says the pull point is gone (it
   * expired, e.g. after the camera clock jumped, or the camera dropped it), subscribes
   * again and returns undefined: that is housekeeping, not a fault.
   */
  private async orResubscribe<T>(connection: CameraConnection, step: () => Promise<T>): Promise<{ value: T } | undefined> {
    try {
      return { value: await step() };
    } catch (err) {
      if (this.closing || !isSubscriptionGone(err)) throw err;
      this.log.info('pull point gone; subscribing again');
      this.observeDeviceTime(await connection.subscribe());
      return undefined;
    }
  }

  // ---- what the camera said ----

  private observeDeviceTime(deviceTimeMs: number): void {
    const now = this.clock.now();
    this.skew.observe(deviceTimeMs, now);
    if (this.skew.skewed) {
      const offsetS = Math.round(this.skew.offsetMs / 1000);
      const reason = `device clock is ${Math.abs(offsetS)} s ${offsetS > 0 ? 'ahead of' : 'behind'} the agent (tolerance ${this.config.clockToleranceMs / 1000} s)`;
      if (!this.episodes.has('clock')) this.log.warn({ offsetMs: this.skew.offsetMs }, reason);
      this.report(this.episodes.fail('clock', 'OC_DEVICE_CLOCK_SKEW', reason, now));
    } else if (this.episodes.has('clock')) {
      this.log.info({ offsetMs: this.skew.offsetMs }, 'device clock back within tolerance');
      this.report(this.episodes.clear('clock', now));
    }
  }

  private emitCameraEvent(event: CameraEvent): void {
    const time = this.skew.envelopeTime(event.deviceTimeMs);
    const data = time.corrected ? { ...event.data, deviceTime: new Date(event.deviceTimeMs).toISOString() } : event.data;
    this.emit('event', event.type, data, new Date(time.timeMs));
  }

  private linkFailed(err: unknown): void {
    const fault = classifyOnvifError(err);
    this.info = null;
    const known = this.episodes.status();
    if (known.state !== 'fault' || known.faultCode !== fault.code) this.log.warn({ code: fault.code, reason: fault.reason }, 'camera fault');
    else this.log.debug({ code: fault.code, reason: fault.reason }, 'camera still faulty');
    this.report(this.episodes.fail('link', fault.code, fault.reason, this.clock.now()));
  }

  /** Fault and recovery envelopes carry agent time: they are the agent's own observations. */
  private report(event: EpisodeEvent | undefined): void {
    if (!event) return;
    if (event.type === 'device.recovered') this.log.info({ faultSeconds: event.data.faultSeconds }, 'camera recovered');
    this.emit('fault', event.type, event.data);
  }

  private emit(what: 'event' | 'fault', type: string, data: Record<string, unknown>, deviceTime?: Date): void {
    try {
      this.agent.emitEvent(type, data, deviceTime);
    } catch (err) {
      // Only a closed agent or outbox refuses; the event cannot be kept anywhere else.
      this.log.error({ err, type, what }, 'agent refused a camera event');
    }
  }

  // ---- waiting and closing ----

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wakeSleep = () => {
        this.wakeSleep = null;
        done();
      };
    });
  }

  /** Best effort and bounded: the camera may be the reason the session ended. A no-op when not subscribed. */
  private async unsubscribeBriefly(connection: CameraConnection): Promise<void> {
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([
      connection.unsubscribe().catch((err: unknown) => this.log.debug({ err: (err as Error).message }, 'unsubscribe failed')),
      new Promise<void>((resolve) => (timer = setTimeout(resolve, this.config.unsubscribeTimeoutMs))),
    ]);
    clearTimeout(timer);
  }

  private async shutdown(): Promise<void> {
    const connection = this.current;
    if (connection) {
      await this.unsubscribeBriefly(connection);
      connection.destroy(); // ends the waiting pull, so the loop sees `closing` and stops
    }
    await this.loop;
    this.log.info('camera driver closed');
  }
}
