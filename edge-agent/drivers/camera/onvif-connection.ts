import { Agent as HttpAgent } from 'node:http';
import { Agent as HttpsAgent } from 'node:https';
import onvif, { type Cam, type CamProfile } from 'onvif';
import type { CameraDriverConfig } from './camera-driver-config.ts';
import { readNotification, readNotifications, timeOf, type OnvifNotification } from './camera-notification.ts';
import { classifyOnvifError, DeviceFaultError, MalformedAnswerError, OnvifCallError } from './onvif-faults.ts';

/** What the camera said about itself when the driver connected. */
export interface CameraInfo {
  /** Device clock from GetSystemDateAndTime (whole seconds). */
  deviceTimeMs: number;
  manufacturer: string;
  model: string;
  firmwareVersion: string;
  serialNumber: string;
  profileToken: string;
  videoSourceToken: string;
  snapshotUri: string;
}

export interface PulledMessages {
  /** The answer's CurrentTime: the device clock when it answered. */
  deviceTimeMs: number;
  notifications: OnvifNotification[];
  /** Messages that came without a topic the driver could read. */
  unreadable: number;
}

/** One connection to a camera: the operations the driver needs, nothing of onvif's shape. */
export interface CameraConnection {
  open(): Promise<CameraInfo>;
  /** Creates the pull point; resolves with the device time of the answer. */
  subscribe(): Promise<number>;
  /** One long poll (the onvif package asks for up to PT1M). */
  pull(): Promise<PulledMessages>;
  /** Extends the pull point; resolves with the device time of the answer, if it gave one. */
  renew(): Promise<number | undefined>;
  unsubscribe(): Promise<void>;
  /** Cuts every socket of this connection at once, including a waiting pull. */
  destroy(): void;
}

type Callback<T> = (err: Error | null, data?: T, xml?: string) => void;

/**
 * Calls an onvif method once and settles once. The package can call back twice:
 * its xml2js parse is wrapped in a try/catch that calls the same callback again
 * with the error if the callback threw (utils.parseSOAPString). Settling a promise
 * never throws, and continuations run outside the package's stack.
 */
function call<T>(operation: string, invoke: (cb: Callback<T>) => void): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let settled = false;
    try {
      invoke((err, data, xml) => {
        if (settled) return;
        settled = true;
        if (err) reject(new OnvifCallError(operation, err, xml));
        else resolve(data as T);
      });
    } catch (err) {
      if (!settled) reject(new OnvifCallError(operation, err));
      settled = true;
    }
  });
}

const str = (x: unknown): string => (x === undefined || x === null ? '' : x instanceof Date ? x.toISOString() : String(x));
const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);

/**
 * A CameraConnection over the `onvif` package's Cam (0.8.3). The driver does not
 * use Cam.connect() nor the 'event' emitter loop, after reading their code:
 * - connect() runs getActiveSources(), which throws inside a parse callback on an
 *   unexpected profile layout; the package then never calls back.
 * - the 'event' loop gives up for good on a failed CreatePullPointSubscription
 *   that is not a socket error (e.g. refused credentials), and after a failed pull
 *   it unsubscribes and loops again at once, with no back-off.
 * So each step is called here, and the driver owns the loop and the back-off.
 */
export class OnvifConnection implements CameraConnection {
  private readonly cam: Cam;
  private readonly agent: HttpAgent;
  private subscribed = false;

  constructor(private readonly config: CameraDriverConfig) {
    const url = new URL(config.url);
    const secure = url.protocol === 'https:';
    // Our own agent, so destroy() can cut every socket. No keep-alive: a camera closing an
    // idle socket just as a request goes out would look like a fault, and a LAN handshake is cheap.
    this.agent = secure ? new HttpsAgent({ keepAlive: false }) : new HttpAgent({ keepAlive: false });
    this.cam = new onvif.Cam({
      hostname: url.hostname,
      port: url.port ? Number(url.port) : secure ? 443 : 80,
      path: url.pathname,
      username: config.username,
      password: config.password,
      useSecure: secure,
      timeout: config.requestTimeoutMs,
      agent: this.agent,
      autoconnect: false,
      // Cameras behind NAT or port forwarding advertise addresses the agent cannot reach.
      preserveAddress: true,
    });
  }

  async open(): Promise<CameraInfo> {
    const cam = this.cam;
    const time = await call<Date>('GetSystemDateAndTime', (cb) => cam.getSystemDateAndTime(cb));
    const deviceTimeMs = timeOf(time);
    if (deviceTimeMs === undefined) throw new MalformedAnswerError('GetSystemDateAndTime', 'no readable date and time');

    await this.findServices();
    const info = await call<Record<string, unknown>>('GetDeviceInformation', (cb) => cam.getDeviceInformation(cb));
    const profiles = await call<CamProfile[]>('GetProfiles', (cb) => cam.getProfiles(cb));
    const sources = await call<unknown[]>('GetVideoSources', (cb) => cam.getVideoSources(cb));
    const { profileToken, videoSourceToken } = this.chooseProfile(profiles, sources);
    const media = await call<{ uri?: unknown }>('GetSnapshotUri', (cb) => cam.getSnapshotUri({ profileToken }, cb));
    const snapshotUri = str(media?.uri);
    if (!/^https?:\/\//.test(snapshotUri)) throw new MalformedAnswerError('GetSnapshotUri', `not an http(s) URI: ${snapshotUri.slice(0, 80)}`);

    return {
      deviceTimeMs,
      manufacturer: str(info?.manufacturer),
      // The package turns numeric-looking text into numbers (a serial "0012" becomes 12); str() is the best left.
      model: str(info?.model),
      firmwareVersion: str(info?.firmwareVersion),
      serialNumber: str(info?.serialNumber),
      profileToken,
      videoSourceToken,
      snapshotUri,
    };
  }

  async subscribe(): Promise<number> {
    const cam = this.cam;
    const sub = await call<Record<string, unknown>>('CreatePullPointSubscription', (cb) => cam.createPullPointSubscription(cb));
    const address = (cam.events.subscription as { subscriptionReference?: { address?: Record<string, unknown> } } | undefined)?.subscriptionReference?.address;
    if (!isObject(address) || typeof address.href !== 'string') throw new MalformedAnswerError('CreatePullPointSubscription', 'no subscription address');
    // pullMessages/renew/unsubscribe pass this parsed URL straight to http.request as
    // its options, without Cam's agent; set ours on it so destroy() reaches them too.
    address.agent = this.agent;
    this.subscribed = true;
    return this.deviceTime('CreatePullPointSubscription', sub?.currentTime);
  }

  async pull(): Promise<PulledMessages> {
    const cam = this.cam;
    const data = await call<Record<string, unknown>>('PullMessages', (cb) => cam.pullMessages({ messageLimit: 50 }, cb));
    if (!isObject(data)) throw new MalformedAnswerError('PullMessages', 'no PullMessagesResponse');
    const deviceTimeMs = this.deviceTime('PullMessages', data.currentTime);
    const notifications: OnvifNotification[] = [];
    let unreadable = 0;
    for (const raw of readNotifications(data.notificationMessage)) {
      const n = readNotification(raw);
      if (n) notifications.push(n);
      else unreadable += 1;
    }
    return { deviceTimeMs, notifications, unreadable };
  }

  async renew(): Promise<number | undefined> {
    const cam = this.cam;
    const data = await call<Record<string, unknown>>('Renew', (cb) => cam.renew({}, cb));
    const ms = timeOf(isObject(data) ? data.currentTime : undefined);
    if (ms !== undefined) this.syncTokenClock(ms);
    return ms;
  }

  async unsubscribe(): Promise<void> {
    if (!this.subscribed) return;
    this.subscribed = false;
    const cam = this.cam;
    // preserveListeners: the package would otherwise removeAllListeners('event') on success.
    await call('Unsubscribe', (cb) => cam.unsubscribe(cb, true));
  }

  destroy(): void {
    this.agent.destroy();
  }

  /** GetServices, or GetCapabilities on devices older than it; Media 1 is used (Profile T cameras serve it too). */
  private async findServices(): Promise<void> {
    const cam = this.cam;
    try {
      await call('GetServices', (cb) => cam.getServices(true, cb));
    } catch (err) {
      const fault = classifyOnvifError(err);
      if (fault.code !== 'OC_DEVICE_REFUSED' && fault.code !== 'OC_DEVICE_MALFORMED_RESPONSE') throw err;
      await call('GetCapabilities', (cb) => cam.getCapabilities(cb));
    }
    cam.media2Support = false;
    if (!cam.uri?.media) throw new MalformedAnswerError('GetServices', 'the camera lists no media service');
    if (!cam.uri?.events) throw new MalformedAnswerError('GetServices', 'the camera lists no event service');
  }

  private chooseProfile(profiles: CamProfile[] | undefined, sources: unknown[] | undefined): { profileToken: string; videoSourceToken: string } {
    const list = Array.isArray(profiles) ? profiles : [];
    const tokenOf = (p: CamProfile): string => str(isObject(p.$) ? p.$.token : undefined);
    const sourceOf = (p: CamProfile): string => str(isObject(p.videoSourceConfiguration) ? p.videoSourceConfiguration.sourceToken : undefined);
    const firstSource = Array.isArray(sources) && isObject(sources[0]) && isObject(sources[0].$) ? str(sources[0].$.token) : '';
    const wanted = this.config.profileToken;
    const profile = wanted
      ? list.find((p) => tokenOf(p) === wanted)
      : (list.find((p) => firstSource !== '' && sourceOf(p) === firstSource) ?? list.find((p) => tokenOf(p) !== ''));
    if (!profile) {
      if (wanted) throw new DeviceFaultError('OC_DEVICE_REFUSED', 'GetProfiles', `the camera has no profile ${wanted} (config key profileToken)`);
      throw new MalformedAnswerError('GetProfiles', 'no usable media profile');
    }
    return { profileToken: tokenOf(profile), videoSourceToken: sourceOf(profile) || firstSource };
  }

  /** Reads a CurrentTime and keeps the WS-Security clock on it (see syncTokenClock). */
  private deviceTime(operation: string, value: unknown): number {
    const ms = timeOf(value);
    if (ms === undefined) throw new MalformedAnswerError(operation, 'no readable CurrentTime');
    this.syncTokenClock(ms);
    return ms;
  }

  /**
   * The package stamps UsernameToken `Created` with process.uptime() + timeShift,
   * and sets timeShift once, from the first GetSystemDateAndTime. A camera whose
   * clock runs fast or slow (or a simulated one at 10x speed) then drifts out of
   * the replay window. Every answer carrying CurrentTime re-anchors it.
   */
  private syncTokenClock(deviceTimeMs: number): void {
    this.cam.timeShift = deviceTimeMs - process.uptime() * 1000;
  }
}
