import { createServer, type Server, type Socket } from 'node:net';
import { createServer as createTlsServer } from 'node:tls';
import { once } from 'node:events';
import { Aedes, type AedesOptions, type AuthenticateError, type Client, type PublishPacket, type Subscription } from 'aedes';
import { systemClock, type Clock } from '../shared/clock.ts';
import { OcError, type ErrorCode } from '../shared/errors.ts';
import { createLogger, type Logger } from '../shared/logger.ts';
import { deviceTopic, LOG_TOPICS, parseDeviceTopic, type LogTopic } from '../shared/topics.ts';
import type { EventLog } from '../event-log/port.ts';
import type { DeviceKind } from '../shared/envelope.ts';
import { authorizeDevicePublish, authorizeDeviceSubscribe } from './acl.ts';
import { ClientAdmission, freshTokens, type TokenState } from './admission.ts';
import { DeadLetterBudget } from './abuse/dead-letter-budget.ts';
import { FailureThrottle } from './abuse/failure-throttle.ts';
import { KeyedBuckets } from './abuse/keyed-buckets.ts';
import { RefusalSummary } from './abuse/refusal-summary.ts';
import type { CredentialStore } from './credentials.ts';
import { DEAD_LETTER_PAYLOAD_KEEP_BYTES, deadLetterRecord } from '../shared/dead-letter.ts';
import type { DeviceRegistry } from './device-registry.ts';
import { FrameGuardedConnection } from './frame-guard.ts';
import { classifyPublish, statusRecord, type StatusSource } from './ingest.ts';
import { resolveLimits, type GatewayLimits } from './limits.ts';
import { GatewayStats, type GatewayStatsSnapshot } from './stats.ts';
import type { RetainedConfigs } from './retained-configs.ts';

export interface GatewayOptions {
  host?: string;
  port: number;
  log: EventLog;
  registry: DeviceRegistry;
  credentials: CredentialStore;
  logger?: Logger;
  limits?: Partial<GatewayLimits>;
  clock?: Clock;
  /** A second listener for MQTT over TLS (mqtts), for devices outside the loopback. */
  tls?: { port: number; key: string | Buffer; cert: string | Buffer };
  /** Where retained config messages survive a restart; in memory only without it. */
  retainedConfigs?: RetainedConfigs;
}

export interface Gateway {
  readonly port: number;
  /** The mqtts port when TLS is on. */
  readonly tlsPort: number | undefined;
  readonly host: string;
  /** Publishes a device's config, retained, for its agent to pick up. */
  publishConfig(deviceId: string, config: object): Promise<void>;
  /** Removes a device's retained config (a revoked device is told nothing more). */
  clearConfig(deviceId: string): Promise<void>;
  /** Closes the device's live session, if it has one (a rotated or revoked secret); true if there was one. */
  disconnect(deviceId: string): boolean;
  stats(): GatewayStatsSnapshot;
  /** Stops accepting devices: closes the listeners and disconnects the devices (recording them offline). */
  stopAccepting(): Promise<void>;
  /** Stops accepting (if not yet), then waits for the log appends still in flight. */
  close(): Promise<void>;
}

interface DeviceSession {
  deviceId: string;
  kind: DeviceKind;
  /** An append of this connection failed: nothing after it may enter the log before the resend. */
  appendFailed?: boolean;
  admission: ClientAdmission;
  keepaliveTimedOut: boolean;
}

// aedes 1.x return codes for CONNACK (its AuthErrorCode is a const enum, unusable under isolatedModules).
const CONNACK_IDENTIFIER_REJECTED = 2;
/** "Server unavailable": try again later, what a device held back by a limit should do. */
const CONNACK_SERVER_UNAVAILABLE = 3;
const CONNACK_BAD_USERNAME_OR_PASSWORD = 4;

/**
 * The MQTT front door: aedes with per-device login, the topic ACL, the envelope
 * check and a bridge that acknowledges a device's QoS 1 publish only after the
 * event log accepted it (or accepted a dead-letter record saying why not).
 */
export async function startGateway(options: GatewayOptions): Promise<Gateway> {
  const host = options.host ?? '127.0.0.1';
  const limits = resolveLimits(options.limits);
  const clock = options.clock ?? systemClock;
  const logger = options.logger ?? createLogger('gateway');
  const { log, registry, credentials } = options;
  const stats = new GatewayStats();
  const sessions = new WeakMap<Client, DeviceSession>();
  const pendingAppends = new Set<Promise<unknown>>();
  let closing = false;
  // Limits that follow the device or the address, not the connection (issue 13).
  const deviceTokens = new Map<string, TokenState>();
  const connectsByDevice = new KeyedBuckets(limits.connectAttempts.perDevice, clock);
  const connectsByAddress = new KeyedBuckets(limits.connectAttempts.perAddress, clock);
  const loginsByDevice = new FailureThrottle(limits.loginFailures.perDevice, clock);
  const loginsByAddress = new FailureThrottle(limits.loginFailures.perAddress, clock);
  const takeovers = new FailureThrottle(limits.clientIdTakeovers, clock);
  const liveClients = new Map<string, Client>();
  const budget = new DeadLetterBudget(limits.deadLetters, clock);
  const refusals = new RefusalSummary(logger, limits.refusalSummaryMs);
  const addressOf = (client: Client): string => (client.conn as { remoteAddress?: string } | undefined)?.remoteAddress ?? 'unknown';

  const append = (topic: LogTopic, key: string, value: Buffer): Promise<unknown> => {
    const p = log.append(topic, [{ key, value }]);
    pendingAppends.add(p);
    const forget = () => pendingAppends.delete(p);
    p.then(forget, forget);
    return p;
  };

  const appendStatus = (deviceId: string, state: 'online' | 'offline', source: StatusSource): void => {
    append(LOG_TOPICS.status, deviceId, statusRecord(deviceId, state, source, clock.now())).catch((err: unknown) => {
      stats.appendFailures += 1;
      logger.error({ err, deviceId, state, source }, 'could not record device status');
    });
  };

  const deadLetter = (
    client: Client | null,
    packet: PublishPacket,
    code: ErrorCode,
    reason: string,
    field?: string,
  ): Promise<unknown> => {
    stats.deadLettered += 1;
    stats.count(code);
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    // The reason, the hash, the true size and the first few KB: enough to diagnose, bounded per letter.
    const value = deadLetterRecord({ code, reason, field, clientId: client?.id, topic: packet.topic, payload, receivedAt: clock.now(), keepBytes: DEAD_LETTER_PAYLOAD_KEEP_BYTES });
    const key = client?.id ?? 'unknown';
    const verdict = budget.admit(key, value.length);
    if (verdict === 'write') {
      logger.warn({ code, reason, field, clientId: client?.id, topic: packet.topic, bytes: packet.payload.length }, 'publish dead-lettered');
      stats.deadLetterBytes += value.length;
      return append(LOG_TOPICS.deadletter, key, value);
    }
    // Over budget: counted, not stored; once per report window the device is named as faulty.
    stats.deadLettersCounted += 1;
    if (verdict === 'count') return Promise.resolve();
    const counted = budget.countedFor(key);
    stats.count('OC_DEAD_LETTER_BUDGET');
    logger.warn({ code: 'OC_DEAD_LETTER_BUDGET', clientId: key, counted }, 'device over its dead-letter budget: the rest is counted, not stored');
    const report = deadLetterRecord({ code: 'OC_DEAD_LETTER_BUDGET', reason: `keeps sending junk (last: ${code}); ${counted.letters} refused messages counted, not stored`, clientId: client?.id, topic: packet.topic, payload, receivedAt: clock.now(), keepBytes: 1024 });
    stats.deadLetterBytes += report.length;
    return append(LOG_TOPICS.deadletter, key, report);
  };

  const refuse = (client: Client, returnCode: number, code: ErrorCode, detail: string, done: (e: AuthenticateError | null, ok: boolean | null) => void) => {
    stats.refusedConnections += 1;
    stats.count(code);
    // One summary line per window, not a line per attempt: a storm of guesses must not drown the log.
    refusals.add(code, client.id, addressOf(client));
    logger.debug({ code, clientId: client.id, detail }, 'connection refused');
    const err = new OcError(code, detail) as OcError & { returnCode: number };
    err.returnCode = returnCode;
    done(err as unknown as AuthenticateError, false);
  };

  const authenticate: NonNullable<AedesOptions['authenticate']> = (client, username, password, done) => {
    const address = addressOf(client);
    const lockedFor = Math.max(loginsByDevice.lockedFor(client.id), loginsByAddress.lockedFor(address));
    if (lockedFor > 0) return refuse(client, CONNACK_SERVER_UNAVAILABLE, 'OC_AUTH_THROTTLED', `${client.id} from ${address}, ${lockedFor} ms left`, done);
    if (!connectsByAddress.take(address) || !connectsByDevice.take(client.id)) {
      return refuse(client, CONNACK_SERVER_UNAVAILABLE, 'OC_MQTT_CONNECT_RATE', `${client.id} from ${address}`, done);
    }
    const failed = (returnCode: number, code: ErrorCode, detail: string) => {
      loginsByDevice.fail(client.id);
      loginsByAddress.fail(address);
      refuse(client, returnCode, code, detail, done);
    };
    const device = registry.get(client.id);
    if (username !== client.id) {
      return failed(CONNACK_IDENTIFIER_REJECTED, 'OC_AUTH_CLIENT_ID_MISMATCH', `username ${JSON.stringify(username)}`);
    }
    // Unknown device and wrong secret look the same from outside, so ids cannot be probed.
    if (!device) return failed(CONNACK_BAD_USERNAME_OR_PASSWORD, 'OC_AUTH_UNKNOWN_DEVICE', client.id);
    if (!password || !credentials.verify(device.id, password.toString('utf8'))) {
      return failed(CONNACK_BAD_USERNAME_OR_PASSWORD, 'OC_AUTH_BAD_CREDENTIALS', client.id);
    }
    loginsByDevice.succeed(client.id);
    // A live connection already holds this id: a reconnect after a silent cut, or a clone. A few
    // takeovers pass; a fight is stopped by keeping the live one and refusing the newcomer.
    const holder = liveClients.get(device.id);
    if (holder && !holder.closed) {
      if (takeovers.lockedFor(device.id) > 0 || takeovers.fail(device.id)) {
        reportClientIdFight(client, device.id);
        return refuse(client, CONNACK_IDENTIFIER_REJECTED, 'OC_CLIENT_ID_CONFLICT', `${device.id} from ${address}`, done);
      }
    }
    let tokens = deviceTokens.get(device.id);
    if (!tokens) deviceTokens.set(device.id, (tokens = freshTokens(limits.rate, clock.now())));
    const admission = new ClientAdmission(limits.rate, clock, () => {
      stats.floodDisconnects += 1;
      stats.count('OC_FLOOD');
      logger.warn({ code: 'OC_FLOOD', clientId: client.id }, 'flooding client disconnected');
      client.close();
    }, () => {
      stats.throttled += 1;
    }, tokens);
    sessions.set(client, { deviceId: device.id, kind: device.kind, admission, keepaliveTimedOut: false });
    done(null, true);
  };

  /** The first refusal of a fight is written down (a device-fault ticket comes of it); the rest are counted. */
  const fightsReported = new Map<string, number>();
  const reportClientIdFight = (client: Client, deviceId: string): void => {
    const last = fightsReported.get(deviceId);
    if (last !== undefined && clock.now() - last < limits.clientIdTakeovers.maxLockMs) return;
    fightsReported.set(deviceId, clock.now());
    logger.warn({ code: 'OC_CLIENT_ID_CONFLICT', clientId: deviceId, remote: addressOf(client) }, 'two connections fight over one client id: keeping the live one, refusing the other');
    const value = deadLetterRecord({ code: 'OC_CLIENT_ID_CONFLICT', reason: `connections from ${addressOf(client)} keep taking over ${deviceId}: a cloned device or a stuck agent`, clientId: deviceId, topic: deviceTopic(deviceId, 'status'), payload: Buffer.alloc(0), receivedAt: clock.now() });
    append(LOG_TOPICS.deadletter, deviceId, value).catch((err: unknown) => logger.error({ err, deviceId }, 'could not record the client-id fight'));
  };

  const ingest = (client: Client | null, session: Pick<DeviceSession, 'deviceId' | 'kind' | 'appendFailed'>, packet: PublishPacket, channel: 'event' | 'telemetry' | 'status', source: 'device' | 'will', done: (err?: Error | null) => void) => {
    // Packets already read from a connection whose earlier message the log refused are
    // refused too: accepting them would put them in the log ahead of that message's resend.
    if (session.appendFailed) return done(new OcError('OC_LOG_APPEND_FAILED', 'an earlier message of this connection was not accepted'));
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    const outcome = classifyPublish({ deviceId: session.deviceId, kind: session.kind, channel, payload, receivedAt: clock.now(), source }, limits);
    // Only a valid status is worth keeping as the retained value of its topic.
    if (!(outcome.accepted && channel === 'status')) packet.retain = false;
    const written = outcome.accepted
      ? append(outcome.logTopic, outcome.key, outcome.value).then(() => {
          stats.accepted[channel] += 1;
        })
      : deadLetter(client, packet, outcome.code, outcome.reason, outcome.field);
    written.then(
      () => done(null),
      (err: unknown) => {
        // No PUBACK: the device keeps the message in its outbox and sends it again.
        stats.appendFailures += 1;
        session.appendFailed = true;
        logger.error({ err, clientId: client?.id, topic: packet.topic }, 'event log did not accept a publish');
        done(err instanceof Error ? err : new OcError('OC_LOG_APPEND_FAILED', String(err)));
      },
    );
  };

  const authorizePublish: NonNullable<AedesOptions['authorizePublish']> = (client, packet, done) => {
    const session = client ? sessions.get(client) : undefined;
    if (!client || !session) return authorizeOrphanWill(packet, done);
    const decision = authorizeDevicePublish(session.deviceId, packet.topic);
    if (!decision.allowed) {
      const refused = new OcError(decision.code, decision.reason);
      // Recorded for the security log, then the connection is closed: MQTT 3.1.1 has no other refusal.
      deadLetter(client, packet, decision.code, decision.reason).then(() => done(refused), () => done(refused));
      return;
    }
    // aedes publishes the will of a closing client through this hook too; it bypasses the rate limit.
    if (client.closed) return ingest(client, session, packet, decision.value, 'will', done);
    session.admission.admit(() => ingest(client, session, packet, decision.value, 'device', done));
  };

  // aedes may publish a will after its client object is gone; only a status will is legitimate.
  const authorizeOrphanWill = (packet: PublishPacket, done: (err?: Error | null) => void) => {
    const parsed = parseDeviceTopic(packet.topic);
    const device = parsed && registry.get(parsed.deviceId);
    if (!parsed || parsed.channel !== 'status' || !device) return done(new OcError('OC_ACL_PUBLISH_DENIED', `orphan publish to ${packet.topic}`));
    ingest(null, { deviceId: device.id, kind: device.kind }, packet, 'status', 'will', done);
  };

  const authorizeSubscribe: NonNullable<AedesOptions['authorizeSubscribe']> = (client, sub: Subscription, done) => {
    const session = sessions.get(client);
    const decision = session ? authorizeDeviceSubscribe(session.deviceId, sub.topic) : undefined;
    if (decision?.allowed) return done(null, sub);
    stats.deniedSubscriptions += 1;
    stats.count('OC_ACL_SUBSCRIBE_DENIED');
    logger.warn({ code: 'OC_ACL_SUBSCRIBE_DENIED', clientId: client.id, topic: sub.topic }, 'subscription refused');
    // A null subscription makes aedes answer SUBACK 0x80 (failure) and keep the connection.
    done(null, null);
  };

  const broker = await Aedes.createBroker({
    authenticate,
    authorizePublish,
    authorizeSubscribe,
    connectTimeout: limits.connectTimeoutMs,
    keepaliveLimit: limits.keepaliveLimitS,
    maxClientsIdLength: 64,
    heartbeatInterval: 60_000,
  });

  broker.on('clientReady', (client) => {
    const session = sessions.get(client);
    if (!session) return;
    liveClients.set(session.deviceId, client);
    stats.connected += 1;
    appendStatus(session.deviceId, 'online', 'connect');
  });
  broker.on('keepaliveTimeout', (client) => {
    const session = sessions.get(client);
    if (session) session.keepaliveTimedOut = true;
  });
  /**
   * Why a session ended, as the desk should read it. aedes sets `_disconnected` only when a valid
   * DISCONNECT packet arrived (lib/client.js, the same flag that decides whether the will is
   * published), so without it the socket simply went away: a power or network cut.
   */
  const offlineSource = (client: Client, session: DeviceSession): StatusSource => {
    if (closing) return 'gateway-shutdown';
    if (session.keepaliveTimedOut) return 'keepalive-timeout';
    return (client as Client & { _disconnected?: boolean })._disconnected ? 'disconnect' : 'connection-lost';
  };
  broker.on('clientDisconnect', (client) => {
    const session = sessions.get(client);
    if (!session) return;
    stats.connected -= 1;
    session.admission.close();
    if (liveClients.get(session.deviceId) === client) liveClients.delete(session.deviceId);
    appendStatus(session.deviceId, 'offline', offlineSource(client, session));
  });
  broker.on('clientError', (client, err) => logger.debug({ clientId: client.id, err: err.message }, 'client error'));
  broker.on('connectionError', (client, err: Error & { errorCode?: number }) => {
    // aedes answered the CONNECT itself (protocol version, keep-alive limit) before our hooks ran.
    if (typeof err.errorCode !== 'number') return logger.info({ clientId: client.id, err: err.message }, 'connection error');
    stats.refusedConnections += 1;
    stats.count('OC_MQTT_CONNECT_REFUSED');
    logger.warn({ code: 'OC_MQTT_CONNECT_REFUSED', returnCode: err.errorCode, detail: err.message }, 'connection refused');
  });

  const sockets = new Set<Socket>();
  const perAddress = new Map<string, number>();
  const accept = (socket: Socket) => {
    const address = socket.remoteAddress ?? 'unknown';
    const fromAddress = perAddress.get(address) ?? 0;
    if (sockets.size >= limits.maxConnections || fromAddress >= limits.maxConnectionsPerAddress) {
      stats.refusedConnections += 1;
      stats.count('OC_MQTT_CONNECTION_LIMIT');
      refusals.add('OC_MQTT_CONNECTION_LIMIT', undefined, address);
      socket.destroy();
      return;
    }
    perAddress.set(address, fromAddress + 1);
    sockets.add(socket);
    socket.once('close', () => {
      sockets.delete(socket);
      const left = (perAddress.get(address) ?? 1) - 1;
      if (left > 0) perAddress.set(address, left);
      else perAddress.delete(address);
    });
    socket.setNoDelay(true);
    const conn = new FrameGuardedConnection(socket, limits.maxFrameBytes, (err) => {
      stats.oversizedFrames += 1;
      stats.count(err.code);
      logger.warn({ code: err.code, remote: socket.remoteAddress, detail: err.message }, err.code === 'OC_MQTT_PRE_CONNECT' ? 'connection closed: not a small CONNECT first' : 'connection closed: frame too large');
    }, limits.maxConnectBytes);
    broker.handle(conn);
  };
  const servers: Server[] = [createServer(accept)];
  if (options.tls) {
    const tlsServer = createTlsServer({ key: options.tls.key, cert: options.tls.cert, minVersion: 'TLSv1.2' }, accept);
    tlsServer.on('tlsClientError', (err) => logger.info({ err: err.message }, 'TLS handshake failed'));
    servers.push(tlsServer);
  }
  const ports = await Promise.all(
    servers.map(async (server, i) => {
      server.listen(i === 0 ? options.port : options.tls!.port, host);
      await once(server, 'listening');
      const address = server.address();
      return typeof address === 'object' && address ? address.port : 0;
    }),
  );
  const port = ports[0]!;
  const tlsPort = ports[1];
  logger.info({ host, port, tlsPort, devices: registry.size }, 'gateway listening');

  let stopped: Promise<void> | undefined;
  const stopAccepting = (): Promise<void> =>
    (stopped ??= (async () => {
      closing = true;
      const serversClosed = Promise.all(servers.map((server) => new Promise<void>((resolve) => server.close(() => resolve()))));
      await new Promise<void>((resolve) => broker.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      await serversClosed;
    })());
  let closed = false;

  const publishRetained = (deviceId: string, payload: Buffer) =>
    new Promise<void>((resolve, reject) => {
      broker.publish({ cmd: 'publish', topic: deviceTopic(deviceId, 'config'), payload, qos: 1, retain: true, dup: false }, (err) => (err ? reject(err) : resolve()));
    });
  // What was retained before the restart is retained again before any device can ask for it.
  for (const [deviceId, payload] of options.retainedConfigs?.all() ?? []) {
    if (registry.get(deviceId)) await publishRetained(deviceId, payload);
    else options.retainedConfigs?.delete(deviceId);
  }

  return {
    port,
    tlsPort,
    host,
    publishConfig: async (deviceId, config) => {
      if (!registry.get(deviceId)) throw new OcError('OC_AUTH_UNKNOWN_DEVICE', deviceId);
      const payload = Buffer.from(JSON.stringify(config));
      options.retainedConfigs?.put(deviceId, payload);
      await publishRetained(deviceId, payload);
    },
    clearConfig: async (deviceId) => {
      options.retainedConfigs?.delete(deviceId);
      // An empty retained payload deletes the retained message (MQTT 3.1.1, 3.3.1.3).
      await publishRetained(deviceId, Buffer.alloc(0));
    },
    disconnect: (deviceId) => {
      const client = liveClients.get(deviceId);
      if (!client || client.closed) return false;
      logger.info({ deviceId }, 'device session closed: its credentials changed');
      client.close();
      return true;
    },
    stats: () => stats.snapshot(),
    stopAccepting,
    close: async () => {
      if (closed) return;
      closed = true;
      await stopAccepting();
      refusals.close();
      // The offline records of the devices just disconnected must reach the log before the owner closes it.
      await Promise.allSettled([...pendingAppends]);
      logger.info(stats.snapshot(), 'gateway closed');
    },
  };
}
