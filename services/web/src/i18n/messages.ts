/**
 * Language choice and text lookup, without the DOM: the browser's languages pick
 * Chinese or English unless the user chose one (remembered by the page).
 */
import { en, type MessageKey } from './en.ts';
import { zh } from './zh.ts';

export type Lang = 'zh' | 'en';
export const LANG_STORAGE_KEY = 'oc.lang';
export type { MessageKey };

const CATALOGUES: Record<Lang, Record<MessageKey, string>> = { zh, en };

/** A remembered choice wins; then the first browser language that is Chinese or English; Chinese by default (the desk's language). */
export function detectLang(stored: string | null, browserLanguages: readonly string[]): Lang {
  if (stored === 'zh' || stored === 'en') return stored;
  for (const l of browserLanguages) {
    const base = l.toLowerCase().split('-')[0];
    if (base === 'zh') return 'zh';
    if (base === 'en') return 'en';
  }
  return 'zh';
}

/** `{name}` placeholders are filled from vars; unknown ones are left visible rather than dropped. */
export function translate(lang: Lang, key: MessageKey, vars: Record<string, string | number> = {}): string {
  return CATALOGUES[lang][key].replace(/\{(\w+)\}/g, (whole, name: string) => (name in vars ? String(vars[name]) : whole));
}

export const hasKey = (key: string): key is MessageKey => key in en;

export const htmlLang = (lang: Lang): string => (lang === 'zh' ? 'zh-CN' : 'en');

/** Minutes and hours as people say them: `45 s`, `12 min`, `2 h 05 min`; `45秒`, `12分钟`, `2小时05分`. */
export function formatDuration(ms: number, lang: Lang): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return lang === 'zh' ? `${s}秒` : `${s} s`;
  const min = Math.floor(s / 60);
  if (min < 60) return lang === 'zh' ? `${min}分钟` : `${min} min`;
  const h = Math.floor(min / 60);
  const rest = String(min % 60).padStart(2, '0');
  return lang === 'zh' ? `${h}小时${rest}分` : `${h} h ${rest} min`;
}

/** Date and clock time, in the browser's time zone (the site's). */
export function formatDateTime(epochMs: number, lang: Lang): string {
  const d = new Date(epochMs);
  const locale = htmlLang(lang);
  return `${d.toLocaleDateString(locale, { month: '2-digit', day: '2-digit' })} ${d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', hour12: false })}`;
}

/** Clock time today, date and time otherwise, in the browser's time zone (the site's). */
export function formatTime(epochMs: number, lang: Lang, now: number, withSeconds = true): string {
  const d = new Date(epochMs);
  const sameDay = new Date(now).toDateString() === d.toDateString();
  const locale = htmlLang(lang);
  const time = d.toLocaleTimeString(locale, { hour: '2-digit', minute: '2-digit', ...(withSeconds ? { second: '2-digit' } : {}), hour12: false });
  return sameDay ? time : `${d.toLocaleDateString(locale, { month: '2-digit', day: '2-digit' })} ${time}`;
}
