import { EventEmitter } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import { silentLogger, type Logger } from '../../../services/shared/logger.ts';
import type { DeviceOutput } from '../../models/model.ts';
import { CameraAnalytics, type CameraIncident } from './camera-analytics.ts';
import * as responses from './device-responses.ts';
import { notificationMessageXml, type CameraNotification } from './notifications.ts';
import { sceneFrame } from './png.ts';
import { PullPointManager, type PullPoint } from './pull-point.ts';
import { parseSoapRequest, parseTerminationTime, parseXsdDuration, textOf, type SoapRequest } from './soap-request.ts';
import { soapEnvelope, soapFault } from './soap-xml.ts';
import { UsernameTokenVerifier } from './ws-security.ts';

/** Ways the simulated camera can misbehave, for fault tests. */
export type Misbehaviour =
  /** Answers every SOAP request with HTTP 200 and bytes that are not XML. */
  | 'garbage'
  /** Answers with a SOAP envelope cut off in the middle. */
  | 'malformed-xml'
  /** Reads the request and never answers. */
  | 'hang'
  /** Closes the connection as soon as a request arrives. */
  | 'drop';

export interface OnvifCameraSimulatorOptions {
  username: string;
  password: string;
  /** The camera's own clock; give it a ManualClock or an offset to simulate a wrong clock. */
  clock?: Clock;
  identity?: Partial<responses.CameraIdentity>;
  /** How far a UsernameToken's Created may be from the camera clock. Default 5 min. */
  authMaxSkewMs?: number;
  /** Longest PullMessages wait the camera grants, whatever the client asks. Default 60 s (ONVIF's PT1M). */
  maxPullTimeoutMs?: number;
  /**
   * Shortest pull-point lifetime (device time) the camera grants on subscribe and
   * renew, whatever the client asks; a device may choose a later termination. Default
   * 0: as asked. A camera whose clock runs at simulation speed needs it, or its pull
   * point expires by the device clock during one long poll of wall time.
   */
  minSubscriptionMs?: number;
  logger?: Logger;
}

export interface SimulatorStats {
  requests: Record<string, number>;
  authFailures: number;
  subscriptions: number;
  waitingPulls: number;
  restarts: number;
}

interface Reply {
  status: number;
  xml: string;
}

const OPERATIONS_WITHOUT_AUTH = new Set(['GetSystemDateAndTime']);
const SUBSCRIPTION_OPERATIONS = new Set(['PullMessages', 'Renew', 'Unsubscribe']);
const MAX_REQUEST_BYTES = 256 * 1024;
const DEFAULT_TERMINATION_MS = 60_000;
const SNAPSHOT_SIZE = { width: 160, height: 90 };
/** How long a covered or blurred lens shows in snapshots after the tamper report. */
const TAMPER_LOOK_MS = 60_000;

/**
 * A simulated ONVIF camera (Profile S device, media 1.0 and event services) over
 * real HTTP/SOAP: WS-Security UsernameToken digest, pull-point events with long
 * polling, a PNG snapshot, and SOAP 1.2 faults for what it does not do. A behaviour
 * model drives it through `feed`, tests through `raise`, `restart` and `misbehave`.
 */
export class OnvifCameraSimulator extends EventEmitter {
  private readonly clock: Clock;
  private readonly log: Logger;
  private readonly identity: responses.CameraIdentity;
  private readonly verifier: UsernameTokenVerifier;
  private readonly pullPoints: PullPointManager;
  private readonly analytics = new CameraAnalytics();
  private readonly maxPullTimeoutMs: number;
  private readonly minSubscriptionMs: number;
  private readonly requestCounts: Record<string, number> = {};
  private server: Server | null = null;
  private boundPort = 0;
  private misbehaviour: Misbehaviour | null = null;
  private authFailures = 0;
  private restarts = 0;
  private frameNo = 0;
  private lastCoverAt = -Infinity;
  private lastBlurAt = -Infinity;
  private readonly pulledThroughWaiters: Array<() => void> = [];

  constructor(options: OnvifCameraSimulatorOptions) {
    super();
    this.clock = options.clock ?? systemClock;
    this.log = options.logger ?? silentLogger();
    this.identity = {
      manufacturer: 'OpenCompound',
      model: 'SimCam 2000',
      firmwareVersion: 'V5.7.3 build 260115',
      serialNumber: 'SIM00000001',
      hardwareId: 'SIMCAM-HW-1',
      ...options.identity,
    };
    this.verifier = new UsernameTokenVerifier({ clock: this.clock, maxSkewMs: options.authMaxSkewMs });
    this.verifier.setUser(options.username, options.password);
    this.pullPoints = new PullPointManager(this.clock);
    this.maxPullTimeoutMs = options.maxPullTimeoutMs ?? 60_000;
    this.minSubscriptionMs = options.minSubscriptionMs ?? 0;
  }

  // ---- lifecycle ----

  /** Listens on 127.0.0.1 (port 0: any free one); resolves with the port. */
  async listen(port = 0, host = '127.0.0.1'): Promise<number> {
    if (this.server) return this.boundPort;
    const server = createServer((req, res) => this.onRequest(req, res));
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, host, () => {
        server.off('error', reject);
        resolve();
      });
    });
    this.server = server;
    this.boundPort = (server.address() as AddressInfo).port;
    this.log.info({ port: this.boundPort }, 'ONVIF camera simulator listening');
    return this.boundPort;
  }

  get port(): number {
    return this.boundPort;
  }

  /** The device service URL, as a client is configured with it. */
  get url(): string {
    return `http://127.0.0.1:${this.boundPort}${responses.SERVICE_PATHS.device}`;
  }

  /** Stops listening and cuts every connection, like pulling the power; resolves when the port is free. */
  async close(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = null;
    // A power cut forgets subscriptions and the nonces seen; analytics state is what the camera sees, and stays.
    this.pullPoints.clear();
    this.verifier.forgetNonces();
    this.settlePulledThrough();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  /** A reboot: close, then listen on the same port again. */
  async restart(): Promise<void> {
    const port = this.boundPort;
    await this.close();
    this.restarts += 1;
    await this.listen(port);
  }

  // ---- what the camera sees ----

  /** Scripted incident at device time `atMs` (default: the camera clock now). */
  raise(incident: CameraIncident, atMs = this.clock.now()): void {
    if (incident.type === 'tamper.cover') this.lastCoverAt = atMs;
    if (incident.type === 'tamper.blur') this.lastBlurAt = atMs;
    for (const n of this.analytics.incident(incident, atMs)) this.pullPoints.publish(n);
  }

  /**
   * A behaviour model's output (simulators/models/camera.ts) as what the camera sees.
   * Returns false for outputs a camera has no event for (they are not protocol-level).
   */
  feed(output: DeviceOutput): boolean {
    const data = output.data;
    const confidence = typeof data.confidence === 'number' ? data.confidence : undefined;
    switch (output.type) {
      case 'motion':
        this.raise({ type: 'motion', zone: typeof data.zone === 'string' ? data.zone : undefined, confidence }, output.at);
        return true;
      case 'tamper.cover':
      case 'tamper.blur':
        this.raise({ type: output.type, confidence }, output.at);
        return true;
      case 'video.loss':
      case 'video.restored':
        this.raise({ type: output.type }, output.at);
        return true;
      default:
        this.log.debug({ type: output.type }, 'no ONVIF event for this model output');
        return false;
    }
  }

  /** Starts (or with null, stops) answering badly. Waiting PullMessages answer in the new way at once. */
  misbehave(mode: Misbehaviour | null): void {
    this.misbehaviour = mode;
    this.pullPoints.wakeAll();
  }

  /** Changes the camera's account, e.g. after an installer fixed a password. */
  setCredentials(username: string, password: string): void {
    this.verifier.setUser(username, password);
  }

  /**
   * Resolves once every subscriber has pulled all that was raised so far and is
   * waiting for more: its next PullMessages shows it handled the previous answer.
   * At once without subscribers (what is raised then is not kept) or once the
   * camera is closed. For draining a simulation before shutdown.
   */
  whenPulledThrough(): Promise<void> {
    if (this.pulledThrough()) return Promise.resolve();
    return new Promise((resolve) => this.pulledThroughWaiters.push(resolve));
  }

  stats(): SimulatorStats {
    return {
      requests: { ...this.requestCounts },
      authFailures: this.authFailures,
      subscriptions: this.pullPoints.size,
      waitingPulls: this.pullPoints.waiting,
      restarts: this.restarts,
    };
  }

  // ---- HTTP ----

  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    const url = new URL(req.url ?? '/', 'http://camera');
    if (req.method === 'GET' && url.pathname === responses.SERVICE_PATHS.snapshot) return this.serveSnapshot(url, res);
    if (req.method !== 'POST') {
      res.writeHead(405, { allow: 'POST' }).end();
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size > MAX_REQUEST_BYTES) {
        res.writeHead(413, { connection: 'close' }).end();
        req.destroy();
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (res.headersSent) return;
      void this.answer(req, res, url.pathname, Buffer.concat(chunks).toString('utf8')).catch((err: unknown) => {
        this.log.error({ err }, 'simulator failed to answer');
        if (!res.headersSent) res.writeHead(500).end();
      });
    });
  }

  private async answer(req: IncomingMessage, res: ServerResponse, path: string, body: string): Promise<void> {
    if (this.misbehaviour && this.actOut(res)) return;
    const parsed = parseSoapRequest(body);
    if (!parsed.ok) return this.reply(res, soapFault('wellFormed', parsed.reason));
    const { request } = parsed;
    this.requestCounts[request.operation] = (this.requestCounts[request.operation] ?? 0) + 1;

    if (!OPERATIONS_WITHOUT_AUTH.has(request.operation)) {
      const verdict = this.verifier.verify(request.token);
      if (!verdict.ok) {
        this.authFailures += 1;
        this.log.info({ operation: request.operation, reason: verdict.reason }, 'request not authorized');
        return this.reply(res, soapFault('notAuthorized', verdict.reason));
      }
    }
    const baseUrl = `http://${req.headers.host ?? `127.0.0.1:${this.boundPort}`}`;
    if (SUBSCRIPTION_OPERATIONS.has(request.operation)) return this.subscriptionOperation(res, path, baseUrl, request);
    this.reply(res, this.deviceOperation(request, baseUrl));
  }

  /** Misbehaves if told to; true when the request is dealt with that way. */
  private actOut(res: ServerResponse): boolean {
    switch (this.misbehaviour) {
      case 'garbage':
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' }).end('\u0000\u0017 not soap at all }{ <<');
        return true;
      case 'malformed-xml':
        res.writeHead(200, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(soapEnvelope(responses.videoSources()).slice(0, 200));
        return true;
      case 'hang':
        return true; // the response stays open until the client gives up or the camera closes
      case 'drop':
        res.socket?.destroy();
        return true;
      default:
        return false;
    }
  }

  private deviceOperation(request: SoapRequest, baseUrl: string): Reply {
    const now = this.clock.now();
    const ok = (body: string): Reply => ({ status: 200, xml: soapEnvelope(body) });
    switch (request.operation) {
      case 'GetSystemDateAndTime':
        return ok(responses.systemDateAndTime(now));
      case 'GetServices':
        return ok(responses.services(baseUrl));
      case 'GetCapabilities':
        return ok(responses.capabilities(baseUrl));
      case 'GetDeviceInformation':
        return ok(responses.deviceInformation(this.identity));
      case 'GetProfiles':
        return ok(responses.profiles());
      case 'GetVideoSources':
        return ok(responses.videoSources());
      case 'GetSnapshotUri': {
        const token = textOf(request.args.ProfileToken) ?? '';
        if (!responses.PROFILES.some((p) => p.token === token)) return soapFault('noProfile', token);
        return ok(responses.snapshotUri(baseUrl, token));
      }
      case 'CreatePullPointSubscription': {
        // A Filter, if any, is accepted and not applied: this camera has few topics.
        const asked = parseTerminationTime(textOf(request.args.InitialTerminationTime), now) ?? now + DEFAULT_TERMINATION_MS;
        if (asked <= now) return soapFault('invalidArgs', 'InitialTerminationTime is in the past');
        const termination = Math.max(asked, now + this.minSubscriptionMs);
        const point = this.pullPoints.create(termination);
        point.queue.push(...this.analytics.initialState(now));
        return ok(responses.pullPointCreated(this.subscriptionAddress(baseUrl, point), now, termination));
      }
      default:
        return soapFault('actionNotSupported', `${request.operation} is not supported by this device`);
    }
  }

  private async subscriptionOperation(res: ServerResponse, path: string, baseUrl: string, request: SoapRequest): Promise<void> {
    const prefix = responses.SERVICE_PATHS.subscriptionPrefix;
    const point = path.startsWith(prefix) ? this.pullPoints.get(path.slice(prefix.length)) : undefined;
    if (!point) return this.reply(res, soapFault('resourceUnknown', path));
    const ok = (body: string): void => this.reply(res, { status: 200, xml: soapEnvelope(body) });
    switch (request.operation) {
      case 'Renew': {
        const now = this.clock.now();
        const asked = parseTerminationTime(textOf(request.args.TerminationTime), now) ?? now + DEFAULT_TERMINATION_MS;
        const termination = Math.max(asked, now + this.minSubscriptionMs);
        point.terminationMs = termination;
        return ok(responses.renewed(now, termination));
      }
      case 'Unsubscribe':
        this.pullPoints.remove(point);
        this.settlePulledThrough();
        return ok(responses.unsubscribed());
      default:
        return this.pullMessages(res, baseUrl, point, request);
    }
  }

  private async pullMessages(res: ServerResponse, baseUrl: string, point: PullPoint, request: SoapRequest): Promise<void> {
    const timeoutText = textOf(request.args.Timeout) ?? '';
    const timeoutMs = parseXsdDuration(timeoutText);
    const limit = Number(textOf(request.args.MessageLimit) ?? '');
    if (timeoutMs === undefined || !Number.isInteger(limit) || limit < 1) {
      return this.reply(res, soapFault('invalidArgs', `Timeout=${timeoutText} MessageLimit=${textOf(request.args.MessageLimit)}`));
    }
    const gone = new AbortController();
    res.on('close', () => gone.abort());
    const waited = this.pullPoints.waitForMessages(point, Math.min(timeoutMs, this.maxPullTimeoutMs), gone.signal);
    // Tests wait on this: from here on, a raised incident reaches the subscriber at once.
    this.emit('pulling');
    this.settlePulledThrough();
    await waited;
    if (gone.signal.aborted || res.writableEnded) return; // the client left: its messages stay queued
    if (this.misbehaviour && this.actOut(res)) return;
    const now = this.clock.now();
    const messages = this.pullPoints.take(point, limit);
    const address = this.subscriptionAddress(baseUrl, point);
    const xml = messages.map((n: CameraNotification) => notificationMessageXml(n, address)).join('');
    this.reply(res, { status: 200, xml: soapEnvelope(responses.pulledMessages(now, point.terminationMs, xml)) });
  }

  private pulledThrough(): boolean {
    return !this.server || this.pullPoints.pulledThrough;
  }

  private settlePulledThrough(): void {
    if (this.pulledThroughWaiters.length === 0 || !this.pulledThrough()) return;
    for (const resolve of this.pulledThroughWaiters.splice(0)) resolve();
  }

  private subscriptionAddress(baseUrl: string, point: PullPoint): string {
    return `${baseUrl}${responses.SERVICE_PATHS.subscriptionPrefix}${point.id}`;
  }

  private reply(res: ServerResponse, reply: Reply): void {
    if (res.writableEnded || res.destroyed) return;
    res.writeHead(reply.status, { 'content-type': 'application/soap+xml; charset=utf-8' }).end(reply.xml);
  }

  private serveSnapshot(url: URL, res: ServerResponse): void {
    const profile = url.searchParams.get('profile');
    if (!responses.PROFILES.some((p) => p.token === profile)) {
      res.writeHead(404).end();
      return;
    }
    const now = this.clock.now();
    const look = {
      noSignal: this.analytics.videoLost,
      covered: now - this.lastCoverAt < TAMPER_LOOK_MS,
      blurred: now - this.lastBlurAt < TAMPER_LOOK_MS,
    };
    const png = sceneFrame(SNAPSHOT_SIZE.width, SNAPSHOT_SIZE.height, look, this.frameNo++);
    res.writeHead(200, { 'content-type': 'image/png', 'content-length': png.length, 'cache-control': 'no-store' }).end(png);
  }
}
