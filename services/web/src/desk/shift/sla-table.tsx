import type { SlaFigures } from '../../api/views.ts';
import { useI18n } from '../../i18n/context.tsx';

/** SLA figures of one or more windows side by side. */
export function SlaTable({ columns }: { columns: { label: string; figures: SlaFigures }[] }) {
  const i18n = useI18n();
  const { t } = i18n;
  const secs = (s: number | null) => (s === null ? '—' : i18n.duration(s * 1000));
  const rows: { label: string; value(f: SlaFigures): string; bad?(f: SlaFigures): boolean }[] = [
    { label: t('shift.sla.opened'), value: (f) => String(f.opened) },
    { label: t('shift.sla.resolved'), value: (f) => String(f.resolved) },
    { label: t('shift.sla.breached'), value: (f) => String(f.breached), bad: (f) => f.breached > 0 },
    { label: t('shift.sla.medianAck'), value: (f) => secs(f.medianAckS) },
    { label: t('shift.sla.medianResolve'), value: (f) => secs(f.medianResolveS) },
  ];
  return (
    <table class="sla-table">
      <thead>
        <tr>
          <td />
          {columns.map((c) => (
            <th key={c.label} scope="col">
              {c.label}
            </th>
          ))}
        </tr>
      </thead>
      <tbody>
        {rows.map((r) => (
          <tr key={r.label}>
            <th scope="row">{r.label}</th>
            {columns.map((c) => (
              <td key={c.label} class={`num${r.bad?.(c.figures) ? ' bad' : ''}`}>
                {r.value(c.figures)}
              </td>
            ))}
          </tr>
        ))}
      </tbody>
    </table>
  );
}
