/**
 * The Kafka event log adapter against a real broker: the behaviour suite every EventLog
 * adapter passes (the embedded one runs it in tests/unit/event-log), then what only a
 * partitioned, networked log can get wrong (tests/infra/kafka-specifics.test.ts).
 *
 * Runs when OC_KAFKA_BROKERS is set (.ci/run must set it); skips without it on a
 * developer's machine; fails in CI without it.
 */
import { describe, it } from 'vitest';
import { describeEventLogBehaviour } from '../support/event-log-behaviour.ts';
import { kafkaFixture, kafkaSetup } from '../support/kafka-env.ts';

const setup = kafkaSetup();

if (setup.state === 'broken') {
  describe('KafkaEventLog', () => {
    it('has a Kafka broker to test against', () => {
      throw new Error(setup.reason);
    });
  });
}

if (setup.state === 'ready') {
  describeEventLogBehaviour('KafkaEventLog', kafkaFixture(setup.brokers));
} else if (setup.state === 'skip') {
  describe.skip(`EventLog behaviour: KafkaEventLog (${setup.reason})`, () => {
    it('skipped', () => undefined);
  });
}
