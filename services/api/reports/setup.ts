import type { ReportPlace } from './places.ts';
import type { ReportIntake } from './report-intake.ts';

/** Limits of the public side; the defaults suit one compound's residents, tests tighten them. */
export interface PublicReportLimits {
  /** Reports (and ratings) one IP may send per minute. */
  perIpPerMinute: number;
  /** Reports one place may receive per hour, whoever sends them. */
  perPlacePerHour: number;
  maxPhotos: number;
  maxPhotoBytes: number;
}

export const DEFAULT_PUBLIC_REPORT_LIMITS: PublicReportLimits = { perIpPerMinute: 10, perPlacePerHour: 60, maxPhotos: 3, maxPhotoBytes: 5 * 1024 * 1024 };

/** What the report routes need (issue 16); built by the API's composition root. */
export interface ReportSetup {
  intake: ReportIntake;
  places: readonly ReportPlace[];
  retentionDays: number;
  limits: PublicReportLimits;
}
