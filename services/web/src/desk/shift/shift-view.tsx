import { getReachability, getShift } from '../../api/endpoints.ts';
import { useI18n } from '../../i18n/context.tsx';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useLoad, useNow } from '../../ui/hooks.ts';
import { useDeskRefs } from '../desk-context.ts';
import { SlaTable } from './sla-table.tsx';

/** Who is on duty per team with their open work, and how the shift is going. */
export function ShiftView() {
  const i18n = useI18n();
  const { t } = i18n;
  const { user } = useDeskRefs();
  const now = useNow(30_000);
  const shift = useLoad((signal) => getShift(signal), [Math.floor(now / 60_000)]);
  const s = shift.data;
  // Who would not hear of a dispatch tonight: warned before the night, not after (issue 15).
  const reach = useLoad((signal) => getReachability(signal).catch(() => []), [Math.floor(now / 60_000)]);
  const warning = new Map((reach.data ?? []).filter((p) => p.warning).map((p) => [p.staffId, p.warning!]));
  return (
    <div class="shift">
      <h1>
        {t('shift.title')}
        {s && (
          <span class="muted">
            {' '}
            · {i18n.name(s.shift.crewName)} · {i18n.dateTime(s.shift.start)} – {i18n.dateTime(s.shift.end)}
            {s.supervisor && <> · {i18n.name(s.supervisor.name)}</>}
          </span>
        )}
      </h1>
      <ErrorBanner error={shift.error} onRetry={shift.reload} />
      {!s && !shift.error && <p class="empty">{t('app.loading')}</p>}
      {s && (
        <div class="shift__grid">
          <section class="panel" aria-labelledby="onduty-title">
            <h2 id="onduty-title">{t('shift.onDuty')}</h2>
            <table class="duty-table">
              <tbody>
                {s.teams.map((team) => (
                  <tr key={team.team}>
                    <th scope="row">{i18n.name(team.name)}</th>
                    <td>
                      {team.onDuty.length === 0 && <span class="muted">{t('shift.noOne')}</span>}
                      <ul class="people">
                        {team.onDuty.map((m) => (
                          <li key={m.staffId} class={m.openWork.length > 0 ? 'busy' : ''}>
                            <span class="person">{i18n.name(m.name)}</span>
                            {warning.has(m.staffId) && (
                              <span class="warn" data-reach={warning.get(m.staffId)}>
                                {t(warning.get(m.staffId) === 'no-channel' ? 'shift.noChannel' : 'shift.lastDeliveryFailed')}
                              </span>
                            )}
                            {m.phone && (
                              <a class="muted" href={`tel:${m.phone}`}>
                                {m.phone}
                              </a>
                            )}
                            {m.openWork.map((id) => (
                              <a key={id} class="work" href={`#/ticket/${id}`}>
                                {id}
                              </a>
                            ))}
                          </li>
                        ))}
                      </ul>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          </section>
          <section class="panel" aria-labelledby="sla-title">
            <h2 id="sla-title">{t('shift.sla')}</h2>
            <SlaTable
              columns={[
                { label: t('shift.sla.currentShift'), figures: s.sla.currentShift },
                ...(s.sla.last7Days ? [{ label: t('shift.sla.last7Days'), figures: s.sla.last7Days }] : []),
              ]}
            />
            {!s.sla.last7Days && (
              <p class="muted">
                {user.role === 'manager' ? <a href="#/reports">{t('nav.reports')}</a> : t('shift.sla.managerOnly')}
              </p>
            )}
          </section>
        </div>
      )}
    </div>
  );
}
