import { useI18n } from '../i18n/context.tsx';
import type { RosterWarning } from './config-api.ts';

/** A roster edit's warnings (a 24h team without cover at some hour): said, not refused. */
export function Warnings({ warnings }: { warnings: readonly RosterWarning[] }) {
  const { t } = useI18n();
  if (warnings.length === 0) return null;
  return (
    <div class="admin-warnings" role="status">
      <strong>{t('admin.warnings')}</strong>
      <ul>
        {warnings.map((w) => (
          <li key={`${w.teamId}-${w.at}`} data-warning={w.code}>
            {w.message}
          </li>
        ))}
      </ul>
    </div>
  );
}
