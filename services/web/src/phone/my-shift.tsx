import { getMyShift } from '../api/endpoints.ts';
import { useI18n } from '../i18n/context.tsx';
import { useLoad } from '../ui/hooks.ts';

/**
 * Where the signed-in person stands in the rota: on duty until when, or off duty and when the
 * next shift starts, with their team and crew, and the shift supervisor to call. A phone with
 * nothing dispatched still says something useful. Reloaded each minute, so a handover shows.
 */
export function MyShiftPanel({ now, onLoaded }: { now: number; onLoaded?(onDuty: boolean): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const minute = Math.floor(now / 60_000);
  const loaded = useLoad(async (signal) => {
    const s = await getMyShift(signal);
    onLoaded?.(s.onDuty);
    return s;
  }, [minute]);
  const s = loaded.data;
  if (!s) return null;
  const span = (x: { start: number; end: number }) => ({ start: i18n.dateTime(x.start), end: i18n.dateTime(x.end) });
  const who = [s.team && i18n.name(s.team.name), s.crewName && i18n.name(s.crewName)].filter(Boolean).join(' · ');
  return (
    <section class={`my-shift my-shift--${s.onDuty ? 'on' : 'off'}`} data-testid="my-shift" data-on-duty={String(s.onDuty)} aria-label={t('phone.shift')}>
      <p class="my-shift__status">
        <strong>{t(s.onDuty ? 'phone.onDuty' : 'phone.offDuty')}</strong>
        {who && <span class="muted"> · {who}</span>}
      </p>
      {s.current && <p class="num">{t('phone.shiftNow', span(s.current))}</p>}
      {s.next && <p class="num muted">{t('phone.shiftNext', span(s.next))}</p>}
      {!s.current && !s.next && <p class="muted">{t('phone.noShift')}</p>}
      {s.supervisor && (
        <p class="my-shift__supervisor">
          {t('phone.supervisor', { name: i18n.name(s.supervisor.name) })}
          {s.supervisor.phone && (
            <>
              {' · '}
              <a href={`tel:${s.supervisor.phone.replace(/[^\d+]/g, '')}`}>{s.supervisor.phone}</a>
            </>
          )}
        </p>
      )}
    </section>
  );
}
