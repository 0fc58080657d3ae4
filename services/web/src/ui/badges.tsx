import type { Priority, Ticket, TicketState } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { formatCountdown, slaClock } from '../logic/sla.ts';

export function PriorityBadge({ priority }: { priority: Priority }) {
  const { t } = useI18n();
  return (
    <span class={`prio prio--${priority}`} title={t(`priority.${priority}`)}>
      {t(`priority.${priority}`)}
    </span>
  );
}

export function StateChip({ state }: { state: TicketState }) {
  const { t } = useI18n();
  return <span class={`state state--${state}`}>{t(`state.${state}`)}</span>;
}

/** The running deadline as a countdown: green, amber in its last part, red and negative once late. */
export function SlaTimer({ ticket, now, large }: { ticket: Ticket; now: number; large?: boolean }) {
  const { t } = useI18n();
  const clock = slaClock(ticket, now);
  if (!clock) return <span class="sla sla--none">—</span>;
  const text = formatCountdown(clock.remainingMs);
  const label = `${t(`stage.${clock.stage}`)} ${text}${clock.tone === 'red' ? ` (${t('sla.late')})` : ''}`;
  return (
    <span class={`sla sla--${clock.tone}${large ? ' sla--large' : ''}`} data-tone={clock.tone} aria-label={label} title={label}>
      <span class="sla__time">{text}</span>
      <span class="sla__stage">{t(`stage.${clock.stage}`)}</span>
    </span>
  );
}
