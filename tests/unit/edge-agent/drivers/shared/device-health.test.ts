import { describe, expect, it } from 'vitest';
import type { DeviceAgent } from '../../../../../edge-agent/agent-api.ts';
import { DeviceHealth } from '../../../../../edge-agent/drivers/shared/device-health.ts';
import { ManualClock } from '../../../../../services/shared/clock.ts';
import type { Envelope } from '../../../../../services/shared/envelope.ts';
import { OcError } from '../../../../../services/shared/errors.ts';
import { recordingLogger } from '../../../../support/recording-logger.ts';

class RecordingAgent implements DeviceAgent {
  readonly deviceId = 'dl8-b1-u1-door';
  readonly kind = 'door' as const;
  readonly events: Array<{ type: string; data: Record<string, unknown>; at: number | undefined }> = [];
  closed = false;
  emitEvent(type: string, data: Record<string, unknown>, deviceTime?: Date): Envelope {
    if (this.closed) throw new OcError('OC_AGENT_CLOSED', this.deviceId);
    this.events.push({ type, data, at: deviceTime?.getTime() });
    return {} as Envelope;
  }
  emitTelemetry(): Envelope {
    throw new Error('not used');
  }
  onConfig(): void {}
  stats() {
    return { connected: true, produced: 0, acknowledged: 0, pending: 0, reconnects: 0 };
  }
}

describe('device health: fault episodes told to the agent', () => {
  it('reports one device.fault per episode and device.recovered with its length, stamped with the driver clock', () => {
    const agent = new RecordingAgent();
    const clock = new ManualClock(1_000);
    const { logger, lines } = recordingLogger();
    const health = new DeviceHealth(agent, clock, logger);
    expect(health.status()).toEqual({ state: 'connecting', faults: 0 });
    health.clearAll();
    health.fail('link', 'OC_DEVICE_UNREACHABLE', 'refused');
    clock.advance(2_500);
    health.fail('link', 'OC_DEVICE_TIMEOUT', 'silent');
    health.fail('link', 'OC_DEVICE_TIMEOUT', 'still silent');
    expect(health.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_TIMEOUT', faultReason: 'still silent', faults: 1 });
    health.clearAll();
    health.clearAll();
    expect(agent.events).toEqual([
      { type: 'device.fault', data: { code: 'OC_DEVICE_UNREACHABLE', reason: 'refused' }, at: 1_000 },
      { type: 'device.recovered', data: { faultSeconds: 2.5 }, at: 3_500 },
    ]);
    expect(health.status()).toEqual({ state: 'ok', faults: 1, lastOkAt: 3_500 });
    expect(lines.map((l) => l.msg)).toEqual(['device fault', 'device fault changed', 'device still faulty', 'device recovered']);
    expect(lines[3]).toMatchObject({ faultSeconds: 2.5, code: 'OC_DEVICE_TIMEOUT' });
  });

  it('keeps the status when the agent is closed and cannot take the report', () => {
    const agent = new RecordingAgent();
    const health = new DeviceHealth(agent, new ManualClock(0), recordingLogger().logger);
    agent.closed = true;
    health.fail('clock', 'OC_DEVICE_CLOCK_SKEW', 'ahead');
    expect(health.has('clock')).toBe(true);
    expect(health.status()).toMatchObject({ state: 'fault', faultCode: 'OC_DEVICE_CLOCK_SKEW' });
    expect(agent.events).toEqual([]);
  });
});
