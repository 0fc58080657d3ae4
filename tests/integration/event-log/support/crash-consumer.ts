/**
 * A consumer process for the crash test: handles batches of one group, reports
 * each finished batch on stdout, and hangs inside the batch holding `holdAt`
 * so the test can kill it mid-batch. Usage: crash-consumer.ts <db> <topic> <group> <holdAt>
 */
import { SqliteEventLog } from '../../../../services/event-log/sqlite/sqlite-event-log.ts';
import { silentLogger } from '../../../../services/shared/logger.ts';

const [path, topic, groupId, holdAtText] = process.argv.slice(2) as [string, string, string, string];
const holdAt = Number(holdAtText);
const say = (line: object) => process.stdout.write(`${JSON.stringify(line)}\n`);

const log = SqliteEventLog.open({ path, logger: silentLogger() });
await log.consume({ groupId, topics: [topic], fromBeginning: true, maxBatchSize: 10 }, async (batch) => {
  const offsets = batch.map((r) => r.offset);
  if (offsets.includes(holdAt)) {
    say({ holding: offsets });
    await new Promise<never>(() => {}); // until SIGKILL
  }
  say({ handled: offsets });
});
