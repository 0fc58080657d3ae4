import { useCallback, useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { formatDateTime } from '../i18n/messages.ts';
import type { MessageKey } from '../i18n/messages.ts';
import { errorText } from '../ui/error-text.ts';
import { auditEntries, type AuditEntry, type AuditQuery } from './admin-api.ts';
import { changedFields } from './audit-changes.ts';

const KINDS = ['device', 'place', 'person', 'roster', 'shift', 'rules', 'site', 'provisioning-key'] as const;

/** The append-only audit log, newest first, filtered by kind, item, who and since when; secrets appear as [redacted]. */
export function AuditTab() {
  const i18n = useI18n();
  const { t } = i18n;
  const [draft, setDraft] = useState<AuditQuery>({});
  const [query, setQuery] = useState<AuditQuery>({});
  const [entries, setEntries] = useState<AuditEntry[] | undefined>();
  const [error, setError] = useState<string | undefined>();

  const load = useCallback(
    (q: AuditQuery, append: boolean) => {
      setError(undefined);
      auditEntries(q).then(
        (found) => setEntries((old) => (append ? [...(old ?? []), ...found] : found)),
        (err: unknown) => setError(errorText(err, i18n)),
      );
    },
    [i18n],
  );
  useEffect(() => load(query, false), [query, load]);

  const set = (key: keyof AuditQuery) => (e: { currentTarget: { value: string } }) => setDraft({ ...draft, [key]: e.currentTarget.value || undefined });
  const submit = (e: Event) => {
    e.preventDefault();
    // The browser gives local time without a zone; the API wants an instant.
    setQuery({ ...draft, ...(draft.since ? { since: new Date(draft.since).toISOString() } : {}) });
  };
  const last = entries?.at(-1);

  return (
    <section class="admin-section" aria-labelledby="audit-title">
      <h1 id="audit-title">{t('admin.audit.title')}</h1>
      <form class="admin-filters" onSubmit={submit} data-testid="audit-filters">
        <label class="field field--inline">
          <span>{t('admin.audit.kind')}</span>
          <select name="kind" value={draft.kind ?? ''} onChange={set('kind')}>
            <option value="">{t('admin.audit.allKinds')}</option>
            {KINDS.map((k) => (
              <option key={k} value={k}>
                {k}
              </option>
            ))}
          </select>
        </label>
        <label class="field field--inline">
          <span>{t('admin.audit.id')}</span>
          <input name="id" value={draft.id ?? ''} onInput={set('id')} />
        </label>
        <label class="field field--inline">
          <span>{t('admin.audit.actor')}</span>
          <input name="actor" value={draft.actor ?? ''} onInput={set('actor')} />
        </label>
        <label class="field field--inline">
          <span>{t('admin.audit.since')}</span>
          <input name="since" type="datetime-local" value={draft.since ?? ''} onInput={set('since')} />
        </label>
        <button type="submit" class="btn">
          {t('admin.audit.apply')}
        </button>
      </form>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {entries && entries.length === 0 && <p class="empty">{t('admin.audit.empty')}</p>}
      {entries && entries.length > 0 && (
        <div class="table-wrap">
          <table class="board-table admin-table" data-testid="audit-table">
            <thead>
              <tr>
                <th>{t('admin.audit.at')}</th>
                <th>{t('admin.audit.actor')}</th>
                <th>{t('admin.audit.address')}</th>
                <th>{t('admin.audit.item')}</th>
                <th>{t('admin.audit.op')}</th>
                <th>{t('admin.audit.changes')}</th>
              </tr>
            </thead>
            <tbody>
              {entries.map((e) => (
                <tr key={e.seq} data-audit-item={`${e.kind}:${e.id}`} data-op={e.op}>
                  <td>
                    <time dateTime={new Date(e.at).toISOString()}>{formatDateTime(e.at, i18n.lang)}</time>
                  </td>
                  <td class="mono">{e.actor}</td>
                  <td class="mono">{e.address ?? '—'}</td>
                  <td>
                    <span class="muted">{e.kind}</span> <span class="mono">{e.id}</span> <span class="muted">v{e.version}</span>
                  </td>
                  <td>{t(`admin.op.${e.op}` as MessageKey)}</td>
                  <td class="admin-changes">
                    {changedFields(e.before, e.after).map((c) => (
                      <div key={c.field}>
                        <span class="mono">{c.field}</span>: <span class="muted">{c.before}</span> → {c.after}
                      </div>
                    ))}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
      {last && entries!.length % 100 === 0 && (
        <button type="button" class="btn btn--ghost" onClick={() => load({ ...query, before: last.seq }, true)}>
          {t('admin.audit.more')}
        </button>
      )}
    </section>
  );
}
