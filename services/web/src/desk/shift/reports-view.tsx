import { CATEGORIES, PRIORITIES } from '../../../../alerting/domain/model.ts';
import { getSlaReport } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useLoad } from '../../ui/hooks.ts';
import { SlaTable } from './sla-table.tsx';

/** The property manager's week: totals, day by day, by category and priority, and the places that keep calling. */
export function ReportsView() {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useLoad((signal) => getSlaReport(signal), []);
  const r = report.data;
  return (
    <div class="reports">
      <h1>
        {t('nav.reports')}
        {r && (
          <span class="muted">
            {' '}
            · {t('reports.period', { days: r.period.days })}
          </span>
        )}
      </h1>
      <ErrorBanner error={report.error} onRetry={report.reload} />
      {!r && !report.error && <p class="empty">{t('app.loading')}</p>}
      {r && (
        <div class="reports__grid">
          <section class="panel reports__wide" aria-labelledby="rep-days">
            <h2 id="rep-days">{t('reports.byDay')}</h2>
            <SlaTable columns={[...r.byDay.map((d) => ({ label: d.date.slice(5), figures: d })), { label: t('reports.total'), figures: r.total }]} />
          </section>
          <section class="panel" aria-labelledby="rep-cat">
            <h2 id="rep-cat">{t('reports.byCategory')}</h2>
            <SlaTable columns={CATEGORIES.filter((c) => r.byCategory[c]?.opened).map((c) => ({ label: t(`category.${c}`), figures: r.byCategory[c]! }))} />
          </section>
          <section class="panel" aria-labelledby="rep-prio">
            <h2 id="rep-prio">{t('reports.byPriority')}</h2>
            <SlaTable columns={PRIORITIES.filter((p) => r.byPriority[p]?.opened).map((p) => ({ label: p, figures: r.byPriority[p]! }))} />
          </section>
          <section class="panel" aria-labelledby="rep-spots">
            <h2 id="rep-spots">{t('reports.spots')}</h2>
            {r.troubleSpots.length === 0 && <p class="muted">—</p>}
            <ol class="spots">
              {r.troubleSpots.map((s) => (
                <li key={`${s.compoundId}/${s.placeId}`}>
                  <a href={`#/site/${s.placeId}`}>{i18n.name(s.name)}</a>
                  <span class="num">{t('reports.spotTickets', { n: s.tickets })}</span>
                  <span class="muted mono">{Object.keys(s.byAlertType).join(', ')}</span>
                </li>
              ))}
            </ol>
          </section>
        </div>
      )}
    </div>
  );
}
