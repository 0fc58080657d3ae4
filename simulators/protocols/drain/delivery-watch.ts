import type { DeviceAgent } from '../../../edge-agent/agent-api.ts';
import type { Envelope } from '../../../services/shared/envelope.ts';

/**
 * Tells when the drain driver has read the latest reading fed to its sensor.
 * A polled sensor has no sequence numbers to wait on, so the watch sits between
 * the driver and its agent and compares what the driver handed over (the
 * envelope's device time) with the sample time of the last reading fed. A
 * sensor fault also counts as delivered: the driver withholds a reading it does
 * not believe and reports the fault instead.
 *
 * The sample time is the model's, because the simulated sensor's clock is the
 * simulation clock; a scripted clock skew would move it and leave the watch
 * waiting until the fault or the next reading.
 */
export class DeliveryWatch {
  private lastFedAt = Number.NEGATIVE_INFINITY;
  private lastPublishedAt = Number.NEGATIVE_INFINITY;
  private waiters: Array<{ faulty: () => boolean; resolve: () => void }> = [];

  /** A reading the sensor took in, with its sample time (epoch ms). */
  fed(atMs: number): void {
    this.lastFedAt = Math.max(this.lastFedAt, atMs);
  }

  /** The agent as the driver should see it: every call goes through, and the watch notes what went out. */
  observe(agent: DeviceAgent): DeviceAgent {
    return {
      deviceId: agent.deviceId,
      kind: agent.kind,
      emitEvent: (type, data, deviceTime) => this.noted(agent.emitEvent(type, data, deviceTime)),
      emitTelemetry: (type, data, deviceTime) => {
        const envelope = agent.emitTelemetry(type, data, deviceTime);
        if (type === 'drain.level') this.lastPublishedAt = Math.max(this.lastPublishedAt, Date.parse(envelope.ts));
        return this.noted(envelope);
      },
      onConfig: (listener) => agent.onConfig(listener),
      stats: () => agent.stats(),
    };
  }

  /** Resolves once the last reading fed was handed to the agent, or `faulty()` says the driver is in a fault. */
  whenDelivered(faulty: () => boolean): Promise<void> {
    if (this.settled(faulty)) return Promise.resolve();
    return new Promise((resolve) => this.waiters.push({ faulty, resolve }));
  }

  /** The sensor is gone: nothing more will be read, so nobody should wait for it. */
  close(): void {
    for (const w of this.waiters.splice(0)) w.resolve();
  }

  private noted(envelope: Envelope): Envelope {
    const waiting = this.waiters;
    this.waiters = waiting.filter((w) => !this.settled(w.faulty));
    for (const w of waiting) if (!this.waiters.includes(w)) w.resolve();
    return envelope;
  }

  private settled(faulty: () => boolean): boolean {
    return this.lastPublishedAt >= this.lastFedAt || faulty();
  }
}
