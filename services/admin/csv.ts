import { OcError } from '../shared/errors.ts';

/**
 * RFC 4180 CSV: fields separated by commas, quoted with double quotes (a doubled quote inside
 * is one quote), rows by CRLF or LF. Spreadsheets export this; nothing more is needed for a
 * list of devices, so no library. A quote left open is refused.
 */
export function parseCsv(text: string): string[][] {
  const rows: string[][] = [];
  let row: string[] = [];
  let field = '';
  let quoted = false;
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0; // a spreadsheet's byte-order mark
  const endField = () => {
    row.push(field);
    field = '';
  };
  const endRow = () => {
    endField();
    if (!(row.length === 1 && row[0] === '')) rows.push(row);
    row = [];
  };
  for (; i < text.length; i++) {
    const c = text[i]!;
    if (quoted) {
      if (c === '"' && text[i + 1] === '"') {
        field += '"';
        i++;
      } else if (c === '"') quoted = false;
      else field += c;
    } else if (c === '"' && field === '') quoted = true;
    else if (c === ',') endField();
    else if (c === '\n') endRow();
    else if (c === '\r' && text[i + 1] === '\n') continue;
    else field += c;
  }
  if (quoted) throw new OcError('OC_DEVICE_IMPORT_INVALID', 'a quoted field is not closed');
  if (field !== '' || row.length > 0) endRow();
  return rows;
}
