/**
 * The `date-time` format as the API takes it: RFC 3339 with seconds and a zone, a real
 * calendar date, and a UTC offset that exists on Earth (−12:00 to +14:00, in quarter hours).
 * ajv-formats accepts any offset up to ±23:59, so −19:13 went through.
 */
const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})[Tt](\d{2}):(\d{2}):(\d{2})(?:\.\d{1,9})?(?:[Zz]|([+-])(\d{2}):(\d{2}))$/;

export function isStrictDateTime(value: string): boolean {
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [, y, mo, d, h, mi, s, sign, oh, om] = m;
  const year = Number(y);
  const month = Number(mo);
  const day = Number(d);
  const daysInMonth = new Date(Date.UTC(year, month, 0)).getUTCDate();
  if (month < 1 || month > 12 || day < 1 || day > daysInMonth || Number(h) > 23 || Number(mi) > 59 || Number(s) > 59) return false;
  if (sign === undefined) return true;
  const offsetMin = (Number(oh) * 60 + Number(om)) * (sign === '-' ? -1 : 1);
  return Number(om) % 15 === 0 && offsetMin >= -12 * 60 && offsetMin <= 14 * 60;
}
