import type { DeviceOutput } from '../../simulators/models/model.ts';
import type { AgentFactory, SimulatedAgent } from '../../simulators/runner.ts';

/**
 * Wraps a runner's agent factory to record, per device, what the runner handed
 * each agent (the model's outputs) at the runner → fleet boundary, so a test can
 * compare them with what reached the platform. `agents`, when given, gets the
 * runner's agent of each device (to wait on its `whenDrained`).
 */
export function recordingFactory(factory: AgentFactory, fed: Map<string, DeviceOutput[]>, agents?: Map<string, SimulatedAgent>): AgentFactory {
  return (device) => {
    const agent = factory(device);
    const outputs: DeviceOutput[] = [];
    agents?.set(device.id, agent);
    fed.set(device.id, outputs);
    return {
      deviceId: agent.deviceId,
      kind: agent.kind,
      emitEvent: (type, data, at) => {
        outputs.push({ channel: 'event', type, data, at: at!.getTime() });
        return agent.emitEvent(type, data, at);
      },
      emitTelemetry: (type, data, at) => {
        outputs.push({ channel: 'telemetry', type, data, at: at!.getTime() });
        return agent.emitTelemetry(type, data, at);
      },
      onConfig: (listener) => agent.onConfig(listener),
      stats: () => agent.stats(),
      start: () => agent.start?.(),
      powerOff: () => agent.powerOff?.() ?? Promise.resolve(),
      whenDrained: () => agent.whenDrained?.() ?? Promise.resolve(),
      close: () => agent.close?.() ?? Promise.resolve(),
    };
  };
}
