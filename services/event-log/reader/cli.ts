import { parseArgs } from 'node:util';
import { loadServiceConfig } from '../../config/service-config.ts';
import { isOcError, OcError } from '../../shared/errors.ts';
import { formatRecord } from './format-record.ts';
import { SqliteLogReader } from './sqlite-log-reader.ts';

const USAGE = `npm run log -- [topic] [--last N] [--device ID]

Reads the embedded event log (data/events.db, or OC_DATA_DIR/events.db) read-only,
without a consumer group, so it is safe beside a running npm start.

  npm run log                          topics and how many records each holds
  npm run log -- oc.deadletter         the last 20 dead letters: code, reason, sender, raw payload
  npm run log -- oc.events --device dl8-b1-u1-door --last 50

On Kafka (OC_EVENT_LOG=kafka) use Kafka's own kafka-console-consumer.sh instead.`;

/** `npm run log`: what is in the log, for a person; exits 2 on a usage error. */
function main(): void {
  let reader: SqliteLogReader | undefined;
  try {
    const { values, positionals } = parseArgs({
      options: { last: { type: 'string', default: '20' }, device: { type: 'string' }, help: { type: 'boolean', short: 'h' } },
      allowPositionals: true,
    });
    if (values.help) return void console.log(USAGE);
    const last = Number(values.last);
    if (!Number.isInteger(last) || last < 1) throw new OcError('OC_CONFIG_INVALID', `--last ${JSON.stringify(values.last)}: expected a whole number ≥ 1`);
    if (positionals.length > 1) throw new OcError('OC_CONFIG_INVALID', `one topic at a time, got ${positionals.join(' ')}`);
    const config = loadServiceConfig();
    if (config.eventLog.kind !== 'embedded') throw new OcError('OC_CONFIG_INVALID', 'OC_EVENT_LOG=kafka: read Kafka with kafka-console-consumer.sh (this command reads the embedded log)');
    reader = SqliteLogReader.open(config.eventLog.path);
    const [topic] = positionals;
    if (topic === undefined) {
      for (const t of reader.topics()) console.log(`${t.topic.padEnd(16)} ${t.records}`);
      return;
    }
    const known = reader.topics().map((t) => t.topic);
    if (!known.includes(topic)) throw new OcError('OC_CONFIG_INVALID', `no topic ${topic} in ${config.eventLog.path} (topics: ${known.join(', ')})`);
    for (const record of reader.read({ topic, key: values.device, last })) console.log(formatRecord(record));
  } catch (err) {
    console.error(isOcError(err) ? `${err.code}: ${err.message}\n\n${USAGE}` : err);
    process.exitCode = 2;
  } finally {
    reader?.close();
  }
}

main();
