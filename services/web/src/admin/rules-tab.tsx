import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { ErrorBanner } from '../ui/error-banner.tsx';
import { useLoad } from '../ui/hooks.ts';
import { getRules, putCompoundRules, putSla } from './config-api.ts';

/**
 * The Rules tab: each compound's settings over the site and the defaults, and the SLA policy,
 * edited in the files' own shapes (the server checks them exactly like the files and names
 * the key at fault); the export and import of the whole configuration.
 */
export function RulesTab() {
  const { t } = useI18n();
  const rules = useLoad((signal) => getRules(signal), []);
  const [error, setError] = useState<unknown>();
  const [note, setNote] = useState('');
  const r = rules.data;
  const saved = (version: number) => {
    setError(undefined);
    setNote(t('admin.rules.savedVersion', { version }));
    rules.reload();
  };
  return (
    <div class="admin-rules">
      <h1>{t('admin.rules.title')}</h1>
      <ErrorBanner error={rules.error ?? error} onRetry={rules.reload} />
      {note && (
        <p class="admin-result" role="status">
          {note}
        </p>
      )}
      {r && (
        <>
          {Object.keys(r.rules.effective).map((compoundId) => (
            <JsonEditor
              key={`${compoundId}-${r.rules.version}`}
              title={t('admin.rules.compound', { id: compoundId })}
              hint={t('admin.rules.settings')}
              name={`rules-${compoundId}`}
              value={r.rules.set.compounds?.[compoundId] ?? {}}
              inForce={r.rules.effective[compoundId]}
              onSave={async (settings) => saved((await putCompoundRules(compoundId, { version: r.rules.version, settings })).version)}
              onError={setError}
            />
          ))}
          <JsonEditor key={`sla-${r.sla.version}`} title={t('admin.rules.sla')} name="sla" value={r.sla.set} onSave={async (policy) => saved((await putSla({ version: r.sla.version, policy })).version)} onError={setError} />
          <ConfigFile onDone={(changed) => (setNote(t('admin.config.imported', { changed })), rules.reload())} onError={setError} />
        </>
      )}
    </div>
  );
}

function JsonEditor(props: { title: string; hint?: string; name: string; value: unknown; inForce?: unknown; onSave: (value: unknown) => Promise<void>; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const [text, setText] = useState(JSON.stringify(props.value, null, 2));
  const save = async (e: Event) => {
    e.preventDefault();
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      props.onError(new Error(t('admin.rules.badJson', { message: (err as Error).message })));
      return;
    }
    try {
      await props.onSave(value);
    } catch (err) {
      props.onError(err);
    }
  };
  return (
    <section class="panel">
      <h2>{props.title}</h2>
      {props.hint && <p class="hint">{props.hint}</p>}
      <form class="admin-json" onSubmit={save}>
        <textarea name={props.name} rows={8} value={text} onInput={(e) => setText(e.currentTarget.value)} spellcheck={false} />
        <button type="submit" class="btn">
          {t('admin.rules.save')}
        </button>
      </form>
      {props.inForce !== undefined && (
        <details>
          <summary>{t('admin.rules.inForce')}</summary>
          <pre class="admin-pre">{JSON.stringify(props.inForce, null, 2)}</pre>
        </details>
      )}
    </section>
  );
}

function ConfigFile({ onDone, onError }: { onDone: (changed: number) => void; onError: (e: unknown) => void }) {
  const { t } = useI18n();
  const upload = async (e: Event) => {
    const file = (e.currentTarget as HTMLInputElement).files?.[0];
    if (!file) return;
    try {
      const text = await file.text();
      const res = await fetch('/api/config/import', { method: 'POST', credentials: 'same-origin', headers: { 'content-type': 'application/yaml', accept: 'application/json' }, body: text });
      const body = (await res.json()) as { changed?: number; message?: string };
      if (!res.ok) throw new Error(body.message ?? `HTTP ${res.status}`);
      onDone(body.changed ?? 0);
    } catch (err) {
      onError(err);
    }
  };
  return (
    <section class="panel">
      <h2>{t('admin.config.title')}</h2>
      <p>
        <a class="btn" href="/api/config/export" download="opencompound-config.yaml">
          {t('admin.config.export')}
        </a>{' '}
        <label class="btn">
          {t('admin.config.import')}
          <input type="file" accept=".yaml,.yml,application/yaml" hidden onChange={upload} />
        </label>
      </p>
    </section>
  );
}
