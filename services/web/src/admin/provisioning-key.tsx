import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { errorText } from '../ui/error-text.ts';
import { issueKey, type MountPlace } from './admin-api.ts';
import { SecretBox } from './secret-box.tsx';

/** One-time provisioning key for a building: shown once, spent by the first device that claims with it. */
export function ProvisioningKey({ buildings }: { buildings: MountPlace[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [buildingId, setBuildingId] = useState('');
  const [issued, setIssued] = useState<{ building: string; key: string } | undefined>();
  const [error, setError] = useState<string | undefined>();
  const submit = (e: Event) => {
    e.preventDefault();
    const id = buildingId || buildings[0]?.id || '';
    setError(undefined);
    issueKey(id).then(
      (k) => setIssued({ building: i18n.name(buildings.find((b) => b.id === id)?.name ?? { zh: id, en: id }), key: k.key }),
      (err: unknown) => setError(errorText(err, i18n)),
    );
  };
  return (
    <form class="admin-form" onSubmit={submit} aria-labelledby="key-title">
      <h2 id="key-title">{t('admin.keys.title')}</h2>
      <p class="muted">{t('admin.keys.hint')}</p>
      <label class="field">
        <span>{t('admin.keys.building')}</span>
        <select value={buildingId} onChange={(e) => setBuildingId(e.currentTarget.value)}>
          {buildings.map((b) => (
            <option key={b.id} value={b.id}>
              {i18n.name(b.name)} ({b.id})
            </option>
          ))}
        </select>
      </label>
      <button type="submit" class="btn">
        {t('admin.keys.submit')}
      </button>
      {issued && <SecretBox text={t('admin.keys.issued', { building: issued.building })} value={issued.key} />}
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
    </form>
  );
}
