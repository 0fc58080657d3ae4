import { randomBytes, randomUUID, timingSafeEqual } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { DOOR_API, type ControllerEvent, type ControllerEventBody, type ErrorResponse, type InfoResponse, type TimeResponse } from '../../../edge-agent/drivers/door/wire.ts';
import { systemClock, type Clock } from '../../../services/shared/clock.ts';
import { silentLogger, type Logger } from '../../../services/shared/logger.ts';
import type { DeviceOutput } from '../../models/model.ts';
import { EventJournal } from './event-journal.ts';
import type { JournalFlash } from './journal-flash.ts';
import { EventStreams } from './event-streams.ts';
import { controllerEventFor } from './model-feed.ts';

/** Scripted ways for the controller to go wrong; see README.md in edge-agent/drivers/door. */
export type DoorMisbehaviour =
  /** `stream`: one garbage line on every open event stream (or the next one). `info`: GET /info answers garbage until behave(). */
  | { kind: 'garbage'; where?: 'stream' | 'info' }
  /** Hangs: streams fall silent and requests go unanswered until behave(). */
  | { kind: 'stall' }
  /** Cuts every open connection once, mid-stream. */
  | { kind: 'drop' }
  /** The controller's clock runs `offsetMs` off (positive: ahead) until behave(). */
  | { kind: 'clock'; offsetMs: number }
  /** Streams ignore `since` and replay the whole journal until behave(), as firmware with a coarse cursor does. */
  | { kind: 'replay' };

export interface DoorControllerSimulatorOptions {
  password: string;
  username?: string;
  /** The controller's clock before any scripted offset; simulations pass simulated time. */
  clock?: Clock;
  /** Wall time, for session-token expiry. Default: the system clock. */
  wallClock?: Clock;
  /** Keepalive interval on event streams. Default 10 s; tests use less. */
  keepaliveMs?: number;
  /** Events kept in the journal. Default 10 000. */
  capacity?: number;
  /**
   * Where the journal is kept. A lasting one (SqliteFlashBank) lets a new simulator on it
   * come up with the same journal, as a controller does after a power cycle. Default:
   * kept in memory, so a new simulator object is a factory-new controller.
   */
  flash?: JournalFlash;
  /** Session token lifetime, in wall time. Default 1 h. */
  tokenTtlMs?: number;
  serialNumber?: string;
  host?: string;
  /** Port to listen on; 0 (default) takes an ephemeral one, kept across restarts. */
  port?: number;
  logger?: Logger;
}

const MAX_LOGIN_BODY = 4096;

/**
 * A door controller speaking the HTTP/JSON interface of README.md over
 * node:http: token login, info, time, and the resumable event stream. Events
 * come from the behaviour model (`feed`) or from a test (`raise`). The journal
 * survives `restart()` like a real controller's flash; sessions do not.
 */
export class DoorControllerSimulator {
  private readonly options: DoorControllerSimulatorOptions;
  private readonly clock: Clock;
  /** Session tokens expire in wall time (the driver counts their lifetime on its own timers), not device time. */
  private readonly wallClock: Clock;
  private readonly log: Logger;
  private readonly sockets = new Set<Socket>();
  private readonly tokens = new Map<string, number>();
  private readonly held = new Set<ServerResponse>();
  private readonly streams: EventStreams;
  private journal: EventJournal;
  private password: string;
  private server: Server | undefined;
  private listenPort: number;
  private bootId = randomUUID();
  private bootedAt = 0;
  private offsetMs = 0;
  private stalled = false;
  private garbageInfo = false;
  private ignoreSince = false;
  private ignoredOutputs = 0;

  constructor(options: DoorControllerSimulatorOptions) {
    this.options = options;
    this.clock = options.clock ?? systemClock;
    this.wallClock = options.wallClock ?? systemClock;
    this.log = options.logger ?? silentLogger();
    this.password = options.password;
    this.listenPort = options.port ?? 0;
    this.journal = new EventJournal(options.capacity ?? 10_000, options.flash);
    this.streams = new EventStreams({
      journal: () => this.journal,
      now: () => this.now(),
      keepaliveMs: options.keepaliveMs ?? 10_000,
      stalled: () => this.stalled,
    });
  }

  /** Powers on: listens on the loopback (or `host`) port. */
  async start(): Promise<void> {
    if (this.server) return;
    const server = createServer((req, res) => this.handle(req, res));
    server.on('connection', (socket) => {
      this.sockets.add(socket);
      socket.on('close', () => this.sockets.delete(socket));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(this.listenPort, this.options.host ?? '127.0.0.1', () => resolve());
    });
    this.server = server;
    this.listenPort = (server.address() as AddressInfo).port;
    this.bootedAt = this.clock.now();
  }

  get port(): number {
    return this.listenPort;
  }

  get url(): string {
    return `http://${this.options.host ?? '127.0.0.1'}:${this.listenPort}`;
  }

  get journalId(): string {
    return this.journal.id;
  }

  headSeq(): number {
    return this.journal.headSeq;
  }

  /** Model outputs that a door controller has no event for. */
  get ignored(): number {
    return this.ignoredOutputs;
  }

  /** The controller's clock, scripted offset included. */
  now(): number {
    return this.clock.now() + this.offsetMs;
  }

  /** A behaviour model's output, journalled as the controller would record it (at the output's time). False if a controller has no such event. */
  feed(output: DeviceOutput): boolean {
    const body = controllerEventFor(output);
    if (!body) {
      this.ignoredOutputs += 1;
      this.log.debug({ type: output.type }, 'no controller event for this model output');
      return false;
    }
    this.journal.append(body, output.at + this.offsetMs);
    return true;
  }

  /** A scripted controller event, stamped now (or at `atMs` on the simulated clock). */
  raise(body: ControllerEventBody, atMs?: number): ControllerEvent {
    return this.journal.append(body, (atMs ?? this.clock.now()) + this.offsetMs);
  }

  /** Journals whatever it is given, as a buggy firmware would (missing or wrong fields). */
  journalRaw(fields: Record<string, unknown>): ControllerEvent {
    return this.journal.append(fields, this.now());
  }

  misbehave(m: DoorMisbehaviour): void {
    switch (m.kind) {
      case 'garbage':
        if (m.where === 'info') this.garbageInfo = true;
        else this.streams.injectGarbage();
        break;
      case 'stall':
        this.stalled = true;
        break;
      case 'drop':
        this.streams.dropAll();
        for (const socket of this.sockets) socket.destroy();
        break;
      case 'clock':
        this.offsetMs = m.offsetMs;
        break;
      case 'replay':
        this.ignoreSince = true;
        break;
    }
  }

  /** Ends every lasting misbehaviour; requests held by a stall are cut, as a recovering controller would. */
  behave(): void {
    this.stalled = false;
    this.garbageInfo = false;
    this.ignoreSince = false;
    this.offsetMs = 0;
    for (const res of this.held) res.socket?.destroy();
    this.held.clear();
  }

  setPassword(password: string): void {
    this.password = password;
    this.tokens.clear();
  }

  /** Power cycle: every connection cut, sessions forgotten, a new boot id; the journal is kept. */
  async restart(): Promise<void> {
    await this.powerOff();
    await this.start();
  }

  async powerOff(): Promise<void> {
    const server = this.server;
    if (!server) return;
    this.server = undefined;
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    this.streams.dropAll();
    for (const socket of this.sockets) socket.destroy();
    this.held.clear();
    await closed;
    this.tokens.clear();
    // A hung controller comes back from a power cycle; a wrong clock (its RTC) does not.
    this.stalled = false;
    this.bootId = randomUUID();
  }

  /** Wipes the journal (new journal id, seqs from 1 again), as a factory reset or a replaced controller does. */
  factoryReset(): void {
    this.streams.dropAll();
    this.journal = new EventJournal(this.journal.capacity, this.options.flash, 'format');
  }

  async close(): Promise<void> {
    await this.powerOff();
  }

  // ---- HTTP ----

  private handle(req: IncomingMessage, res: ServerResponse): void {
    if (this.stalled) {
      // Accept the request and never answer it.
      this.held.add(res);
      res.on('close', () => this.held.delete(res));
      return;
    }
    const url = new URL(req.url ?? '/', 'http://controller');
    const route = `${req.method} ${url.pathname}`;
    if (route === `POST ${DOOR_API.login}`) {
      this.login(req, res);
      return;
    }
    if (![`GET ${DOOR_API.info}`, `GET ${DOOR_API.time}`, `GET ${DOOR_API.events}`].includes(route)) {
      sendJson(res, 404, { error: 'not-found' });
      return;
    }
    if (!this.authorized(req)) {
      sendJson(res, 401, { error: 'unauthorized' });
      return;
    }
    if (url.pathname === DOOR_API.info) this.info(res);
    else if (url.pathname === DOOR_API.time) sendJson(res, 200, { time: new Date(this.now()).toISOString(), epochMs: this.now() } satisfies TimeResponse);
    else this.events(url, res);
  }

  private login(req: IncomingMessage, res: ServerResponse): void {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_LOGIN_BODY) chunks.push(chunk);
    });
    req.on('end', () => {
      let body: { username?: unknown; password?: unknown } | undefined;
      try {
        body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as typeof body;
      } catch {
        body = undefined;
      }
      if (size > MAX_LOGIN_BODY || typeof body?.username !== 'string' || typeof body.password !== 'string') {
        sendJson(res, 400, { error: 'bad-request' });
        return;
      }
      if (body.username !== (this.options.username ?? 'admin') || !sameSecret(body.password, this.password)) {
        sendJson(res, 401, { error: 'invalid-credentials' });
        return;
      }
      const token = randomBytes(24).toString('base64url');
      const ttlMs = this.options.tokenTtlMs ?? 3600_000;
      this.tokens.set(token, this.wallClock.now() + ttlMs);
      sendJson(res, 200, { token, expiresInS: Math.max(1, Math.round(ttlMs / 1000)) });
    });
  }

  private authorized(req: IncomingMessage): boolean {
    const match = /^Bearer (\S+)$/.exec(req.headers.authorization ?? '');
    const expires = match ? this.tokens.get(match[1]!) : undefined;
    if (expires === undefined) return false;
    if (expires > this.wallClock.now()) return true;
    this.tokens.delete(match![1]!);
    return false;
  }

  private info(res: ServerResponse): void {
    if (this.garbageInfo) {
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end('{"vendor":"OpenCompound","model":\u0000\u0000 <html>500 Internal');
      return;
    }
    const body: InfoResponse = {
      vendor: 'OpenCompound',
      model: 'OC-DC1 (simulated)',
      serialNumber: this.options.serialNumber ?? 'SIM-0000',
      firmware: '1.4.2-sim',
      bootId: this.bootId,
      uptimeS: Math.max(0, Math.round((this.clock.now() - this.bootedAt) / 1000)),
      journal: { id: this.journal.id, oldestSeq: this.journal.oldestSeq, headSeq: this.journal.headSeq, capacity: this.journal.capacity },
    };
    sendJson(res, 200, body);
  }

  private events(url: URL, res: ServerResponse): void {
    const since = url.searchParams.get('since') ?? '';
    if (!/^\d{1,15}$/.test(since)) {
      sendJson(res, 400, { error: 'since must be a non-negative integer' });
      return;
    }
    const sinceSeq = Number(since);
    if (sinceSeq > this.journal.headSeq) {
      sendJson(res, 409, { error: 'cursor-ahead', headSeq: this.journal.headSeq });
      return;
    }
    this.streams.serve(res, this.ignoreSince ? 0 : sinceSeq);
  }
}

function sendJson(res: ServerResponse, status: number, body: object | ErrorResponse): void {
  const text = JSON.stringify(body);
  res.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
}

function sameSecret(given: string, expected: string): boolean {
  const a = Buffer.from(given);
  const b = Buffer.from(expected);
  return a.length === b.length && timingSafeEqual(a, b);
}
