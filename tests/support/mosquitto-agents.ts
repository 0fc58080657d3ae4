import { connect as tcpConnect } from 'node:net';
import { EdgeAgent } from '../../edge-agent/agent.ts';
import type { Outbox } from '../../edge-agent/outbox/outbox.ts';
import type { DeviceKind } from '../../services/shared/envelope.ts';
import { passwordOf, type MosquittoTarget } from './mosquitto-env.ts';

export interface TestDevice {
  id: string;
  kind: DeviceKind;
  protocolVersion: 4 | 5;
}

/** A real EdgeAgent on the real broker, tuned for tests: no heartbeats, short reconnect back-off. */
export function startAgent(target: MosquittoTarget, device: TestDevice, outbox: Outbox): EdgeAgent {
  const agent = new EdgeAgent({
    deviceId: device.id,
    kind: device.kind,
    brokerUrl: target.url,
    password: passwordOf(target, device.id),
    outbox,
    protocolVersion: device.protocolVersion,
    heartbeatIntervalMs: 0,
    reconnectPeriodMs: 100,
    maxReconnectPeriodMs: 1_000,
  });
  agent.start();
  return agent;
}

/** One event of the device's own kind, so that the envelopes look like the real thing. */
export function emitSample(agent: EdgeAgent, n: number): void {
  switch (agent.kind) {
    case 'door':
      agent.emitEvent('door.opened', { n, credential: 'card' });
      break;
    case 'camera':
      agent.emitEvent('camera.motion', { n, zone: 'lane' });
      break;
    case 'drain':
      agent.emitEvent('drain.level', { n, levelMm: 100 + n });
      break;
  }
}

/** Fails fast, with the address, when nothing listens there (instead of agents retrying until the timeout). */
export function assertListening(target: MosquittoTarget, timeoutMs = 5_000): Promise<void> {
  return new Promise((resolve, reject) => {
    const socket = tcpConnect({ host: target.host, port: target.port });
    const fail = (why: string): void => {
      socket.destroy();
      reject(new Error(`no Mosquitto at ${target.url} (${why}); start it with infra/mosquitto/start.sh`));
    };
    socket.setTimeout(timeoutMs, () => fail('connect timed out'));
    socket.once('error', (err) => fail(err.message));
    socket.once('connect', () => {
      socket.end();
      resolve();
    });
  });
}
