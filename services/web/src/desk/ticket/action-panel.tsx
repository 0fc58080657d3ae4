import { useRef, useState } from 'preact/hooks';
import { actOnTicket, getOnDuty, newActionId, type ActionBody } from '../../api/endpoints.ts';
import { ApiError } from '../../api/http.ts';
import type { CommandType, Ticket } from '../../api/types.ts';
import { useI18n } from '../../i18n/context.tsx';
import { allowedActions, needsNote } from '../../logic/allowed-actions.ts';
import { ErrorBanner } from '../../ui/error-banner.tsx';
import { useLoad } from '../../ui/hooks.ts';
import { useDeskRefs } from '../desk-context.ts';

/** The request in flight or last failed: a retry sends the same actionId, so it cannot apply twice. */
interface Attempt {
  action: CommandType;
  actionId: string;
  body: ActionBody;
}

const PRIMARY: readonly CommandType[] = ['acknowledge', 'dispatch', 'accept', 'arrive', 'resolve', 'close'];

export function ActionPanel({ ticket, onDone }: { ticket: Ticket; onDone(t: Ticket): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const { user, roster } = useDeskRefs();
  const allowed = allowedActions(ticket, user);
  const [note, setNote] = useState('');
  const [dispatchTo, setDispatchTo] = useState('');
  const [transferTo, setTransferTo] = useState('');
  const [busy, setBusy] = useState<CommandType | undefined>();
  const [failed, setFailed] = useState<{ attempt: Attempt; error: unknown } | undefined>();
  const [noteMissing, setNoteMissing] = useState(false);
  const [done, setDone] = useState('');
  const noteRef = useRef<HTMLTextAreaElement>(null);
  const onDuty = useLoad(() => (allowed.includes('dispatch') ? getOnDuty() : Promise.resolve(undefined)), [allowed.includes('dispatch')]);

  const send = (attempt: Attempt) => {
    setBusy(attempt.action);
    setFailed(undefined);
    setDone('');
    actOnTicket(ticket.id, attempt.action, attempt.actionId, attempt.body)
      .then((r) => {
        onDone(r.ticket);
        setNote('');
        setDone(t('action.done', { action: t(`action.${attempt.action}`) }));
      })
      .catch((error: unknown) => setFailed({ attempt, error }))
      .finally(() => setBusy(undefined));
  };

  const start = (action: CommandType) => {
    const text = note.trim();
    if (needsNote(action) && !text) {
      setNoteMissing(true);
      noteRef.current?.focus();
      return;
    }
    setNoteMissing(false);
    const body: ActionBody = text ? { note: text } : {};
    if (action === 'dispatch' && dispatchTo) body.staffId = dispatchTo;
    if (action === 'transfer') {
      const [kind, id] = transferTo.split(':');
      if (!id) return;
      body.to = kind === 'team' ? { kind: 'team', teamId: id } : { kind: 'department', departmentId: id };
    }
    send({ action, actionId: newActionId(), body });
  };

  if (allowed.length === 0) {
    return (
      <section class="panel actions" aria-labelledby="actions-title">
        <h2 id="actions-title">{t('ticket.actions')}</h2>
        <p class="muted">{t('ticket.noActions')}</p>
      </section>
    );
  }

  const button = (action: CommandType) => (
    <button
      key={action}
      type="button"
      class={`btn ${PRIMARY.includes(action) ? 'btn--primary' : action === 'cancel' ? 'btn--danger' : ''}`}
      data-action={action}
      disabled={busy !== undefined}
      aria-busy={busy === action}
      onClick={() => start(action)}
    >
      {t(`action.${action}`)}
    </button>
  );
  const teamFirst = ticket.teamId ?? ('teamId' in ticket.route ? ticket.route.teamId : undefined);
  const teams = [...(onDuty.data?.teams ?? [])].sort((a, b) => (a.teamId === teamFirst ? -1 : b.teamId === teamFirst ? 1 : 0));

  return (
    <section class="panel actions" aria-labelledby="actions-title">
      <h2 id="actions-title">{t('ticket.actions')}</h2>
      <div class="actions__row">{allowed.filter((a) => a !== 'dispatch' && a !== 'transfer').map(button)}</div>

      {allowed.includes('dispatch') && (
        <div class="actions__pick">
          <label class="field field--inline">
            <span>{t('ticket.dispatchTo')}</span>
            <select value={dispatchTo} onChange={(e) => setDispatchTo(e.currentTarget.value)} name="dispatch-to">
              <option value="">{t('ticket.dispatchAuto')}</option>
              {teams.map((team) => (
                <optgroup key={team.teamId} label={i18n.name(team.name)}>
                  {team.onDuty
                    .filter((s) => s.role === 'staff')
                    .map((s) => (
                      <option key={s.id} value={s.id}>
                        {i18n.name(s.name)}
                        {s.phone ? ` · ${s.phone}` : ''} · {t('ticket.openWork', { n: s.openWork })}
                      </option>
                    ))}
                </optgroup>
              ))}
            </select>
          </label>
          {button('dispatch')}
        </div>
      )}

      {allowed.includes('transfer') && (
        <div class="actions__pick">
          <label class="field field--inline">
            <span>{t('ticket.transferTo')}</span>
            <select value={transferTo} onChange={(e) => setTransferTo(e.currentTarget.value)} name="transfer-to">
              <option value="">—</option>
              <optgroup label={t('ticket.teams')}>
                {(roster?.teams ?? []).map((x) => (
                  <option key={x.id} value={`team:${x.id}`}>
                    {i18n.name(x.name)}
                  </option>
                ))}
              </optgroup>
              <optgroup label={t('ticket.departments')}>
                {(roster?.departments ?? []).map((x) => (
                  <option key={x.id} value={`department:${x.id}`}>
                    {i18n.name(x.name)}
                  </option>
                ))}
              </optgroup>
            </select>
          </label>
          {transferTo && button('transfer')}
        </div>
      )}

      <label class="field">
        <span>
          {t('ticket.note')}
          {noteMissing && <span class="error"> — {t('ticket.noteRequired')}</span>}
        </span>
        <textarea ref={noteRef} name="note" rows={3} maxLength={2000} placeholder={t('ticket.notePlaceholder')} value={note} aria-invalid={noteMissing} onInput={(e) => setNote(e.currentTarget.value)} />
      </label>

      {failed && (
        <div class="actions__failed">
          {/* Only a request that got no answer is worth repeating; a refusal would be refused again. */}
          <ErrorBanner error={failed.error} onRetry={failed.error instanceof ApiError && failed.error.retriable ? () => send(failed.attempt) : undefined} />
        </div>
      )}
      <p class="ok" role="status">
        {done}
      </p>
    </section>
  );
}
