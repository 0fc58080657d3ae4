import type { ChangeContext } from '../config-store/port.ts';
import { isOcError, OcError } from '../shared/errors.ts';
import { parseCsv } from './csv.ts';
import type { DeviceAdmin, IssuedSecret } from './device-admin.ts';

export const IMPORT_COLUMNS = ['deviceId', 'kind', 'placeId', 'nameZh', 'nameEn', 'model'] as const;
const REQUIRED = ['deviceId', 'kind', 'placeId'] as const;
export const MAX_IMPORT_ROWS = 5000;

export interface ImportReport {
  /** Rows as a spreadsheet numbers them: the header is row 1. */
  created: (IssuedSecret & { row: number })[];
  refused: { row: number; deviceId: string; code: string; message: string }[];
}

/**
 * A CSV of devices for a new building, each row added like POST /api/devices; a bad row is
 * refused with its code and the rest go on, so the report says exactly what to fix.
 * Columns by header name: deviceId, kind, placeId (required), nameZh, nameEn, model.
 */
export function importDevices(admin: DeviceAdmin, csv: string, who: ChangeContext): ImportReport {
  const [header, ...rows] = parseCsv(csv);
  if (!header) throw new OcError('OC_DEVICE_IMPORT_INVALID', 'the file is empty; the first row names the columns');
  const names = header.map((h) => h.trim());
  const missing = REQUIRED.filter((c) => !names.includes(c));
  if (missing.length > 0) throw new OcError('OC_DEVICE_IMPORT_INVALID', `the header lacks ${missing.join(', ')} (columns: ${IMPORT_COLUMNS.join(', ')})`);
  const unknown = names.filter((n) => n !== '' && !(IMPORT_COLUMNS as readonly string[]).includes(n));
  if (unknown.length > 0) throw new OcError('OC_DEVICE_IMPORT_INVALID', `unknown column ${unknown.join(', ')} (columns: ${IMPORT_COLUMNS.join(', ')})`);
  if (rows.length > MAX_IMPORT_ROWS) throw new OcError('OC_DEVICE_IMPORT_INVALID', `${rows.length} rows; at most ${MAX_IMPORT_ROWS} per file`);
  const report: ImportReport = { created: [], refused: [] };
  rows.forEach((cells, i) => {
    const row = i + 2;
    const cell = (name: string) => (cells[names.indexOf(name)] ?? '').trim();
    const deviceId = cell('deviceId');
    try {
      if (cells.length > names.length) throw new OcError('OC_DEVICE_INVALID', `${cells.length} fields; the header has ${names.length}`);
      const zh = cell('nameZh');
      const en = cell('nameEn');
      if ((zh === '') !== (en === '')) throw new OcError('OC_DEVICE_INVALID', 'give both nameZh and nameEn, or neither', { field: zh ? 'nameEn' : 'nameZh' });
      const issued = admin.create({ deviceId, kind: cell('kind'), placeId: cell('placeId'), ...(zh ? { name: { zh, en } } : {}), ...(cell('model') ? { model: cell('model') } : {}) }, who);
      report.created.push({ row, ...issued });
    } catch (err) {
      if (!isOcError(err)) throw err;
      report.refused.push({ row, deviceId, code: err.code, message: err.message });
    }
  });
  return report;
}
