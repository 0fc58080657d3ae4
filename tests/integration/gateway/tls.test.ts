import { Writable } from 'node:stream';
import { pollUntil } from '../../support/poll-until.ts';
import { pino } from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { EdgeAgent } from '../../../edge-agent/agent.ts';
import { MemoryOutbox } from '../../../edge-agent/outbox/memory-outbox.ts';
import { silentLogger } from '../../../services/shared/logger.ts';
import { GatewayHarness } from '../../support/gateway-harness.ts';
import { selfSignedCert } from '../../support/self-signed-cert.ts';

/** Log lines as they are written, for waiting on what the gateway says happened. */
class LogLines extends Writable {
  readonly lines: Array<{ msg?: string }> = [];
  override _write(chunk: Buffer, _enc: BufferEncoding, done: () => void): void {
    for (const line of chunk.toString().split('\n').filter(Boolean)) this.lines.push(JSON.parse(line));
    done();
  }
  async until(what: string, check: (l: Array<{ msg?: string }>) => boolean): Promise<void> {
    await pollUntil(`gateway log lines: ${what}`, () => check(this.lines));
  }
}

let h: GatewayHarness;
const agents: EdgeAgent[] = [];
afterEach(async () => {
  await Promise.all(agents.splice(0).map((a) => a.close()));
  await h.close();
});

describe('gateway over TLS (mqtts)', () => {
  it('accepts an agent that trusts its certificate, and the envelope reaches the log', async () => {
    const pair = selfSignedCert();
    h = await GatewayHarness.start({ tls: { port: 0, ...pair } });
    expect(h.gateway.tlsPort).toBeGreaterThan(0);
    const agent = new EdgeAgent({
      deviceId: 'dl8-drain-m3',
      kind: 'drain',
      brokerUrl: `mqtts://127.0.0.1:${h.gateway.tlsPort}`,
      password: h.secrets.get('dl8-drain-m3')!,
      outbox: new MemoryOutbox(),
      tls: { ca: pair.cert },
      heartbeatIntervalMs: 0,
      logger: silentLogger(),
    });
    agents.push(agent);
    agent.start();
    const sent = agent.emitTelemetry('drain.level', { levelMm: 420 });
    await h.recorder.until(() => h.recorder.json('oc.telemetry').some((e) => e.id === sent.id));
  });

  it('an agent that does not trust the certificate never gets in', async () => {
    const pair = selfSignedCert();
    const logs = new LogLines();
    const handshakesFailed = logs.until('two TLS handshake failures', (lines) => lines.filter((l) => l.msg === 'TLS handshake failed').length >= 2);
    h = await GatewayHarness.start({ tls: { port: 0, ...pair }, logger: pino({ level: 'info' }, logs) });
    const agent = new EdgeAgent({
      deviceId: 'dl8-cam-01',
      kind: 'camera',
      brokerUrl: `mqtts://127.0.0.1:${h.gateway.tlsPort}`,
      password: h.secrets.get('dl8-cam-01')!,
      outbox: new MemoryOutbox(),
      tls: { ca: selfSignedCert('someone-else').cert },
      heartbeatIntervalMs: 0,
      reconnectPeriodMs: 20,
      maxReconnectPeriodMs: 40,
      logger: silentLogger(),
    });
    agents.push(agent);
    agent.emitEvent('motion', { zone: 'gate' });
    // A trusting agent getting through proves the listener works; the untrusting one stays out.
    const trusted = new EdgeAgent({
      deviceId: 'dl8-cam-02',
      kind: 'camera',
      brokerUrl: `mqtts://127.0.0.1:${h.gateway.tlsPort}`,
      password: h.secrets.get('dl8-cam-02')!,
      outbox: new MemoryOutbox(),
      tls: { ca: pair.cert },
      heartbeatIntervalMs: 0,
      logger: silentLogger(),
    });
    agents.push(trusted);
    agent.start();
    trusted.start();
    const sent = trusted.emitEvent('motion', { zone: 'lane' });
    await h.recorder.until(() => h.recorder.json('oc.events').some((e) => e.id === sent.id));
    await handshakesFailed;
    expect(agent.stats().connected).toBe(false);
    expect(agent.stats().pending).toBe(1);
    expect(h.recorder.json('oc.events').some((e) => e.deviceId === 'dl8-cam-01')).toBe(false);
  });
});
