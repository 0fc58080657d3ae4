import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { errorText } from '../ui/error-text.ts';
import { importDevices, type ImportReport } from './admin-api.ts';

/** A CSV of devices for a new building; the report lists each refused row and why, and the secrets of the added ones once. */
export function DeviceImport({ onDone }: { onDone(): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [report, setReport] = useState<ImportReport | undefined>();
  const [error, setError] = useState<string | undefined>();
  const onFile = (file: File | undefined) => {
    if (!file) return;
    setError(undefined);
    file
      .text()
      .then(importDevices)
      .then(
        (r) => {
          setReport(r);
          onDone();
        },
        (err: unknown) => setError(errorText(err, i18n)),
      );
  };
  return (
    <section class="admin-form" aria-labelledby="import-title">
      <h2 id="import-title">{t('admin.import.title')}</h2>
      <p class="muted">{t('admin.import.hint')}</p>
      <label class="field">
        <span>{t('admin.import.file')}</span>
        <input type="file" accept=".csv,text/csv" data-testid="import-file" onChange={(e) => onFile(e.currentTarget.files?.[0])} />
      </label>
      {error && (
        <p class="error" role="alert">
          {error}
        </p>
      )}
      {report && (
        <div role="status" data-testid="import-report">
          <p>{t('admin.import.report', { created: report.created.length, refused: report.refused.length })}</p>
          <table class="board-table admin-table">
            <thead>
              <tr>
                <th class="num">{t('admin.import.row')}</th>
                <th>{t('admin.devices.id')}</th>
                <th>{t('admin.import.reason')}</th>
              </tr>
            </thead>
            <tbody>
              {report.created.map((c) => (
                <tr key={`c${c.row}`}>
                  <td class="num">{c.row}</td>
                  <td class="mono">{c.deviceId}</td>
                  <td class="mono">{c.secret}</td>
                </tr>
              ))}
              {report.refused.map((r) => (
                <tr key={`r${r.row}`} class="admin-refused">
                  <td class="num">{r.row}</td>
                  <td class="mono">{r.deviceId}</td>
                  <td>
                    <code>{r.code}</code> {r.message}
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </section>
  );
}
