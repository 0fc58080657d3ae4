import { REPORT_CATALOGUE, REPORT_CATEGORIES } from '../../../../alerting/domain/reports/catalogue.ts';
import { getPeopleReport } from '../../api/endpoints.ts';
import type { ReportFigures } from '../../api/views.ts';
import { useI18n } from '../../i18n/context.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useLoad } from '../../ui/hooks.ts';

/** A table of people's-report figures: one row per group, counts and satisfaction. */
function FiguresTable({ caption, rows }: { caption: string; rows: { key: string; label: string; figures: ReportFigures }[] }) {
  const { t } = useI18n();
  return (
    <table class="sla-table people-table" data-testid={`people-${caption}`}>
      <thead>
        <tr>
          <td />
          <th scope="col">{t('people.reports')}</th>
          <th scope="col">{t('people.rated')}</th>
          <th scope="col">{t('people.meanStars')}</th>
          <th scope="col">{t('people.low')}</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.key} data-key={r.key}>
            <th scope="row">{r.label}</th>
            <td class="num">{r.figures.reports}</td>
            <td class="num">{r.figures.rated}</td>
            <td class="num" data-testid="mean-stars">
              {r.figures.meanStars === null ? '—' : `${r.figures.meanStars.toFixed(1)} ★`}
            </td>
            <td class={`num${r.figures.lowRatings > 0 ? ' bad' : ''}`}>{r.figures.lowRatings}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** The property manager's view of what people reported: counts and satisfaction by category, place and source. */
export function PeopleReportView() {
  const i18n = useI18n();
  const { t } = i18n;
  const report = useLoad((signal) => getPeopleReport(signal), []);
  const r = report.data;
  const places = r ? Object.entries(r.byPlace).sort(([, a], [, b]) => b.reports - a.reports) : [];
  return (
    <div class="reports people">
      <h1>
        {t('nav.people')}
        {r && (
          <span class="muted" data-testid="people-total">
            {' '}
            · {t('board.reports', { n: r.total.reports })}
            {r.total.meanStars !== null && ` · ${r.total.meanStars.toFixed(1)} ★`}
          </span>
        )}
      </h1>
      <ErrorBanner error={report.error} onRetry={report.reload} />
      {!r && !report.error && <p class="empty">{t('app.loading')}</p>}
      {r && r.total.reports === 0 && <p class="empty">{t('people.none')}</p>}
      {r && r.total.reports > 0 && (
        <div class="reports__grid">
          <section class="panel" aria-labelledby="people-cat">
            <h2 id="people-cat">{t('reports.byCategory')}</h2>
            <FiguresTable caption="category" rows={REPORT_CATEGORIES.filter((c) => r.byCategory[c]).map((c) => ({ key: c, label: i18n.name(REPORT_CATALOGUE[c].name), figures: r.byCategory[c]! }))} />
          </section>
          <section class="panel" aria-labelledby="people-source">
            <h2 id="people-source">{t('people.bySource')}</h2>
            <FiguresTable caption="source" rows={(['call', 'resident'] as const).filter((s) => r.bySource[s]).map((s) => ({ key: s, label: t(`source.${s}`), figures: r.bySource[s]! }))} />
          </section>
          <section class="panel reports__wide" aria-labelledby="people-place">
            <h2 id="people-place">{t('people.byPlace')}</h2>
            <FiguresTable caption="place" rows={places.map(([id, f]) => ({ key: id, label: f.name ? i18n.name(f.name) : id, figures: f }))} />
          </section>
        </div>
      )}
    </div>
  );
}
