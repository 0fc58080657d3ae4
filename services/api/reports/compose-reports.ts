import { join } from 'node:path';
import type { AlertingService } from '../../alerting/alerting-service.ts';
import type { Clock } from '../../shared/clock.ts';
import type { Logger } from '../../shared/logger.ts';
import type { SiteConfig } from '../../site/schema.ts';
import { DiskPhotoStore, type PhotoStore } from './photo-store.ts';
import { reportPlaces } from './places.ts';
import { ReportIntake, type TrackingLinkSender } from './report-intake.ts';
import { DEFAULT_PUBLIC_REPORT_LIMITS, type PublicReportLimits, type ReportSetup } from './setup.ts';

export interface ReportOptions {
  /** Days after a ticket closes that its reports' phone, caller name and photos are kept (default 180). */
  retentionDays?: number;
  limits?: Partial<PublicReportLimits>;
  /** Default: photos under `<dataDir>/report-photos`. */
  photos?: PhotoStore;
  sms?: TrackingLinkSender;
  /** How often the retention sweep runs (default hourly); 0 turns the timer off (tests sweep by hand). */
  sweepEveryMs?: number;
}

const DAY_MS = 24 * 3600_000;

/** Config to adapters for people's reports, with the retention sweep on a timer. */
export function reportSetup(service: AlertingService, site: SiteConfig, clock: Clock, logger: Logger, dataDir: string, o: ReportOptions = {}): { setup: ReportSetup; stop: () => void } {
  const retentionDays = o.retentionDays ?? 180;
  const intake = new ReportIntake({ service, photos: o.photos ?? new DiskPhotoStore(join(dataDir, 'report-photos')), clock, retentionMs: retentionDays * DAY_MS, sms: o.sms });
  const every = o.sweepEveryMs ?? 3600_000;
  const timer =
    every > 0
      ? setInterval(() => {
          intake.sweep().then(
            (n) => n > 0 && logger.info({ purged: n }, 'retention sweep deleted the personal data of reports on long-closed tickets'),
            (err: unknown) => logger.error({ err }, 'retention sweep failed'),
          );
        }, every)
      : undefined;
  timer?.unref();
  return {
    setup: { intake, places: reportPlaces(site), retentionDays, limits: { ...DEFAULT_PUBLIC_REPORT_LIMITS, ...o.limits } },
    stop: () => clearInterval(timer),
  };
}
