import { openingSource, reportTally } from '../../../../alerting/domain/reports/tally.ts';
import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';

/**
 * Where a ticket's reports came from (issue 16) — sensor, call, resident QR — and, once more
 * than one report joined it, how many: "resident QR + sensor · 4 reports".
 */
export function ReportSources({ ticket }: { ticket: Ticket }) {
  const { t } = useI18n();
  const tally = reportTally(ticket);
  return (
    <>
      <span class="row__source" data-source={openingSource(ticket)} data-sources={tally.sources.join(' ')}>
        {tally.sources.map((s) => t(`source.${s}`)).join(' + ')}
      </span>
      {tally.count > 1 && (
        <span class="row__reports" data-testid="report-count" data-count={tally.count}>
          {' · '}
          {t('board.reports', { n: tally.count })}
        </span>
      )}
    </>
  );
}
