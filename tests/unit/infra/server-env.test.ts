import { describe, expect, it } from 'vitest';
import { influxSetup } from '../../support/influx-env.ts';
import { kafkaSetup } from '../../support/kafka-env.ts';
import { mosquittoSetup } from '../../support/mosquitto-env.ts';

describe('what a suite against a real server does when the server is not named', () => {
  const setups = { kafka: kafkaSetup, influx: influxSetup, mosquitto: mosquittoSetup };
  for (const [name, setup] of Object.entries(setups)) {
    it(`${name}: fails in CI, naming the variable .ci/run must export`, () => {
      const result = setup({ CI: 'true' });
      expect(result.state).toBe('broken');
      expect(result.state !== 'ready' && result.reason).toMatch(/^CI is set but OC_[A-Z_]+ is not/);
    });
    it(`${name}: skips outside CI (CI unset, "false" or "0"), saying how to start the server`, () => {
      for (const env of [{}, { CI: 'false' }, { CI: '0' }]) {
        const result = setup(env);
        expect(result.state).toBe('skip');
        expect(result.state !== 'ready' && result.reason).toMatch(/infra\/\w+\//);
      }
    });
  }
  it('kafka: refuses a broker list that is not host:port', () => {
    expect(kafkaSetup({ OC_KAFKA_BROKERS: 'localhost' }).state).toBe('broken');
    expect(kafkaSetup({ OC_KAFKA_BROKERS: '127.0.0.1:19092,127.0.0.2:19092' })).toEqual({ state: 'ready', brokers: ['127.0.0.1:19092', '127.0.0.2:19092'] });
  });
});
