import { useState } from 'preact/hooks';
import type { Ticket } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import type { PhoneAction } from '../logic/action-queue.ts';
import { nextStep } from '../logic/phone-view.ts';
import type { SiteIndex } from '../logic/site-index.ts';
import { PriorityBadge, SlaTimer, StateChip } from '../ui/badges.tsx';
import { Icon } from '../ui/icons.tsx';

const STEP_LABEL = { accept: 'phone.accept', arrive: 'phone.arrive', resolve: 'phone.resolve', comment: 'action.comment' } as const;

/** One job: what and where, how long left, and the next step as one big button (resolve asks for a note). */
export function DispatchCard({ ticket, now, site, pending, onAction }: { ticket: Ticket; now: number; site: SiteIndex | undefined; pending: number; onAction(action: PhoneAction, note?: string): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [resolving, setResolving] = useState(false);
  const [note, setNote] = useState('');
  const step = nextStep(ticket);
  const a = ticket.assignment;
  const place = site ? site.placeLabel(ticket.subject, i18n.lang) : (ticket.subject.placeId ?? '');
  // "Outside the noodle shop": how a plumber finds the manhole in the rain.
  const placeNote = site?.place(ticket.subject.compoundId, ticket.subject.placeId)?.point?.note;
  const noteId = `note-${ticket.id}`;

  return (
    <article class={`card card--${ticket.priority} card--${ticket.state}`} data-ticket={ticket.id} data-state={ticket.state} aria-labelledby={`title-${ticket.id}`}>
      <div class="card__top">
        <PriorityBadge priority={ticket.priority} />
        <StateChip state={ticket.state} />
        {ticket.state === 'dispatched' && a?.kind === 'staff' && a.acceptedAt !== undefined && <span class="state state--accepted">{t('timeline.accepted')} ✓</span>}
        {step && <SlaTimer ticket={ticket} now={now} />}
      </div>
      <h2 id={`title-${ticket.id}`} class="card__title">
        {i18n.name(ticket.title)}
      </h2>
      <p class="card__place">
        <Icon name="pin" /> {place}
      </p>
      {placeNote && <p class="card__note">{i18n.name(placeNote)}</p>}
      <p class="card__meta muted">
        {ticket.id} · {t(`category.${ticket.category}`)}
        {a?.kind === 'staff' && <> · {t('phone.dispatchedAgo', { ago: i18n.duration(now - a.dispatchedAt) })}</>}
      </p>
      {pending > 0 && (
        <p class="card__pending" role="status">
          <Icon name="clock" /> {t('phone.pendingOne')}
        </p>
      )}
      {step && !resolving && (
        <button type="button" class={`btn btn--huge btn--step-${step}`} data-step={step} onClick={() => (step === 'resolve' ? setResolving(true) : onAction(step))}>
          {t(STEP_LABEL[step])}
        </button>
      )}
      {step === 'resolve' && resolving && (
        <form
          class="card__resolve"
          onSubmit={(e) => {
            e.preventDefault();
            if (!note.trim()) return;
            onAction('resolve', note.trim());
            setResolving(false);
            setNote('');
          }}
        >
          <label for={noteId}>{t('phone.resolveNote')}</label>
          <textarea id={noteId} name="note" rows={4} required maxLength={2000} value={note} onInput={(e) => setNote(e.currentTarget.value)} />
          <div class="card__buttons">
            <button type="button" class="btn btn--big" onClick={() => setResolving(false)}>
              {t('phone.cancel')}
            </button>
            <button type="submit" class="btn btn--big btn--primary" disabled={!note.trim()}>
              {t('phone.send')}
            </button>
          </div>
        </form>
      )}
    </article>
  );
}
