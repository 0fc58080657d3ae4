import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DispatchPlanner } from '../../services/alerting/domain/dispatch/planner.ts';
import type { Notification } from '../../services/alerting/domain/tickets/types.ts';
import { openReceiptBook, type ReceiptBook } from '../../services/alerting/receipts/receipt-book.ts';
import { loadRoster } from '../../services/alerting/roster-file.ts';
import { PLATFORM_TOPICS } from '../../services/event-log/platform-topics.ts';
import { SqliteEventLog } from '../../services/event-log/sqlite/sqlite-event-log.ts';
import { createNotifier, type Notifier } from '../../services/notifier/compose.ts';
import { loadNotifierConfig } from '../../services/notifier/config.ts';
import { systemClock } from '../../services/shared/clock.ts';
import { LOG_TOPICS } from '../../services/shared/topics.ts';
import { recordingLogger } from './recording-logger.ts';

export const TEST_SECRET = 'test-webhook-secret-0123456789';

/** A notifier on a real embedded log with the receipt book reading its receipts back, as npm start wires them. */
export class NotifierHarness {
  readonly logger = recordingLogger();
  notifier!: Notifier;
  receipts!: ReceiptBook;
  private seq = 0;

  private constructor(readonly dir: string, readonly log: SqliteEventLog) {}

  static async start(env: Record<string, string>, pushAgent?: import('node:https').Agent): Promise<NotifierHarness> {
    const dir = mkdtempSync(join(tmpdir(), 'oc-notifier-'));
    const log = SqliteEventLog.open({ path: join(dir, 'events.db'), synchronous: 'NORMAL' });
    await log.ensureTopics(PLATFORM_TOPICS);
    const h = new NotifierHarness(dir, log);
    const roster = loadRoster();
    const config = loadNotifierConfig(dir, 8080, { OC_NOTIFY_RETRY_BASE_MS: '20', OC_NOTIFY_TIMEOUT_MS: '400', OC_NOTIFY_MAX_ATTEMPTS: '4', ...env });
    h.notifier = await createNotifier({ log, config, roster, planner: new DispatchPlanner(roster), clock: systemClock, logger: h.logger.logger, ...(pushAgent ? { pushAgent } : {}) });
    h.receipts = await openReceiptBook({ log, path: join(dir, 'receipts.db'), logger: h.logger.logger });
    return h;
  }

  /** A notification as the alerting outbox writes it onto oc.tickets. */
  async publish(overrides: Partial<Notification> = {}): Promise<Notification> {
    this.seq += 1;
    const ticketId = overrides.ticketId ?? `T20261207-${String(this.seq).padStart(4, '0')}`;
    const n: Notification = {
      id: `${ticketId}/v1/0`,
      kind: 'ticket.opened',
      ticketId,
      to: { role: 'operator' },
      at: Date.now(),
      priority: 'P1',
      message: { zh: `1号楼2单元门被强行打开 ${ticketId}`, en: `Door forced open at building 1 unit 2 ${ticketId}` },
      ...overrides,
    };
    await this.append(n);
    return n;
  }

  async append(n: Notification): Promise<void> {
    await this.log.append(LOG_TOPICS.tickets, [{ key: n.ticketId, value: JSON.stringify({ kind: 'notification', notification: n }) }]);
  }

  /** Every log line as text, to look for what must never be there. */
  logText(): string {
    return this.logger.lines.map((l) => JSON.stringify(l)).join('\n');
  }

  async close(): Promise<void> {
    await this.notifier.close();
    await this.receipts.close();
    await this.log.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}
