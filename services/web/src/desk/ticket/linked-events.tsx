import type { LinkedEvent } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { Icon } from '../../ui/icons.tsx';

interface EnvelopeLike {
  type?: string;
  deviceId?: string;
  ts?: string;
  data?: Record<string, unknown>;
}

/** A camera's snapshot link, when one of the events carries it (ONVIF gives a snapshot URI). */
export function snapshotOf(events: readonly LinkedEvent[]): string | undefined {
  for (const e of [...events].reverse()) {
    const data = (e.body as EnvelopeLike | undefined)?.data;
    const uri = data?.snapshotUri ?? data?.snapshotUrl;
    if (typeof uri === 'string' && /^https?:\/\//.test(uri)) return uri;
  }
  return undefined;
}

/** The device events behind the ticket, newest first, with what they said. */
export function LinkedEvents({ events, total, now }: { events: LinkedEvent[]; total: number; now: number }) {
  const i18n = useI18n();
  const { t } = i18n;
  const snapshot = snapshotOf(events);
  return (
    <section class="panel" aria-labelledby="linked-title">
      <h2 id="linked-title">{t('ticket.linked')}</h2>
      <p class="snapshot">
        {snapshot ? (
          <a class="btn" href={snapshot} target="_blank" rel="noopener noreferrer">
            <Icon name="camera" /> {t('ticket.snapshot')}
          </a>
        ) : (
          <span class="muted">{t('ticket.noSnapshot')}</span>
        )}
      </p>
      {total > events.length && <p class="muted">{t('ticket.linkedMore', { n: total, shown: events.length })}</p>}
      <ul class="events">
        {[...events].reverse().map((e) => {
          const body = (e.body ?? {}) as EnvelopeLike;
          const data = body.data ?? {};
          return (
            <li key={e.eventId} class="event">
              <time class="num">{i18n.time(e.at, now)}</time>
              <span title={body.type}>{body.type ? i18n.eventType(body.type) : '—'}</span>
              <span class="event__data mono">
                {Object.entries(data)
                  .slice(0, 5)
                  .map(([k, v]) => `${k}=${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
                  .join('  ')}
              </span>
            </li>
          );
        })}
      </ul>
    </section>
  );
}
