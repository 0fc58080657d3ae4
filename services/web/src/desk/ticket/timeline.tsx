import type { TimelineEntry } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { staffName, teamName, useDeskRefs } from '../desk-context.ts';

/** Who did what when, newest first: the record the next shift reads. */
export function Timeline({ entries, now }: { entries: TimelineEntry[]; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { roster } = useDeskRefs();
  const detail = (e: TimelineEntry): string | undefined => {
    const d = e.data ?? {};
    const staff = typeof d.staffId === 'string' ? d.staffId : undefined;
    const to = d.to as { kind?: string; teamId?: string; departmentId?: string } | undefined;
    if (staff) return staffName(roster, staff, i18n.lang);
    if (to?.teamId) return teamName(roster, to.teamId, i18n.lang);
    if (to?.departmentId) return teamName(roster, to.departmentId, i18n.lang);
    if (e.action === 'resolved' && d.auto === true) return t('timeline.autoResolved');
    // A report joining the ticket (issue 16): say from where — a call, a resident, the sensor.
    const report = d.report as { source?: string } | undefined;
    if (report?.source === 'sensor' || report?.source === 'call' || report?.source === 'resident') return t('timeline.report', { source: t(`source.${report.source}`) });
    return undefined;
  };
  return (
    <section class="panel" aria-labelledby="timeline-title">
      <h2 id="timeline-title">{t('ticket.timeline')}</h2>
      <ol class="timeline">
        {[...entries].reverse().map((e) => {
          const who = e.actor.kind === 'system' ? t('timeline.system') : staffName(roster, e.actor.id, i18n.lang);
          const extra = detail(e);
          return (
            <li key={e.seq} class={`timeline__item timeline__item--${e.action}`} data-action={e.action}>
              <time class="timeline__time num" dateTime={new Date(e.at).toISOString()}>
                {i18n.time(e.at, now)}
              </time>
              <div class="timeline__body">
                <p>
                  <strong>{t(`timeline.${e.action}`)}</strong>
                  {extra && <> → {extra}</>}
                  <span class="muted"> · {who}</span>
                  {e.fromState && e.toState && e.fromState !== e.toState && (
                    <span class="muted">
                      {' '}
                      · {t(`state.${e.fromState}`)} → {t(`state.${e.toState}`)}
                    </span>
                  )}
                </p>
                {e.note && <p class="timeline__note">{e.note}</p>}
              </div>
            </li>
          );
        })}
      </ol>
    </section>
  );
}
