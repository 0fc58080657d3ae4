import type { EdgeAgent, EdgeAgentEvents } from '../../edge-agent/agent.ts';

/** Resolves on the agent's next `event` (connect, disconnect, acked). */
export const nextAgentEvent = <E extends keyof EdgeAgentEvents>(agent: EdgeAgent, event: E): Promise<void> =>
  new Promise((resolve) => {
    const listener = (): void => {
      agent.off(event, listener);
      resolve();
    };
    agent.on(event, listener);
  });
