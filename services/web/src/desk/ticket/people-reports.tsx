import { REPORT_CATALOGUE, type ReportCategory } from '../../../../alerting/domain/reports/catalogue.ts';
import { reportTally } from '../../../../alerting/domain/reports/tally.ts';
import { getTicketReports } from '../../api/endpoints.ts';
import type { Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { useLoad } from '../../ui/hooks.ts';

/**
 * People's reports on the ticket (issue 16): who called or scanned, what they said, their
 * callback phone in full (the desk calls back) and their photos, and a resident's rating.
 * Reloaded with the ticket's version: a report joining the ticket changes it.
 */
export function PeopleReports({ ticket, now }: { ticket: Ticket; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const tally = reportTally(ticket);
  const loaded = useLoad((signal) => getTicketReports(ticket.id, signal), [ticket.id, ticket.version]);
  const reports = loaded.data?.reports ?? [];
  if (reports.length === 0) return null;
  return (
    <section class="panel" aria-labelledby="people-reports-title" data-testid="people-reports">
      <h2 id="people-reports-title">
        {t('board.reports', { n: tally.count })} <span class="muted">· {tally.sources.map((s) => t(`source.${s}`)).join(' + ')}</span>
      </h2>
      <ul class="events">
        {reports.map((r) => (
          <li key={r.id} class="event people-report" data-source={r.source}>
            <time class="num">{i18n.time(r.createdAt, now)}</time>
            <span>
              <strong>{t(`source.${r.source as 'call' | 'resident'}`)}</strong> · {i18n.name(REPORT_CATALOGUE[r.category as ReportCategory]?.name ?? { zh: r.category, en: r.category })}
              <span class="people-report__words" data-testid="report-words">
                {r.description}
              </span>
              {(r.callerName || r.phone) && (
                <span class="muted">
                  {r.callerName ?? ''} {r.phone && <a href={`tel:${r.phone}`}>{r.phone}</a>}
                </span>
              )}
              {r.photoIds.map((p) => (
                <a key={p} href={`/api/report-photos/${p}`} target="_blank" rel="noreferrer">
                  <img class="people-report__photo" alt={t('ticket.reportPhoto')} src={`/api/report-photos/${p}`} />
                </a>
              ))}
              {r.rating && <span class="people-report__rating">{t('ticket.rated', { n: r.rating.stars })}{r.rating.comment ? ` · ${r.rating.comment}` : ''}</span>}
            </span>
          </li>
        ))}
      </ul>
    </section>
  );
}
