import { createContext, type ComponentChildren } from 'preact';
import { useCallback, useContext, useEffect, useMemo, useState } from 'preact/hooks';
import type { Bilingual } from '../api/types.ts';
import { detectLang, formatDuration, formatDateTime, formatTime, htmlLang, LANG_STORAGE_KEY, translate, type Lang, type MessageKey } from './messages.ts';
import { eventTypeName } from './event-types.ts';

export interface I18n {
  lang: Lang;
  setLang(lang: Lang): void;
  t(key: MessageKey, vars?: Record<string, string | number>): string;
  /** The current language's half of a bilingual name from the API. */
  name(n: Bilingual | undefined): string;
  duration(ms: number): string;
  time(epochMs: number, now?: number, withSeconds?: boolean): string;
  /** Date and clock time, always with the date (a shift's start and end: 12-07 08:00 – 12-08 08:00). */
  dateTime(epochMs: number): string;
  /** A device event type in words (`door.forced-open` → 门被强行打开). */
  eventType(type: string): string;
}

const I18nContext = createContext<I18n | null>(null);

function storedLang(): string | null {
  try {
    return localStorage.getItem(LANG_STORAGE_KEY);
  } catch {
    return null;
  }
}

export function I18nProvider({ children }: { children: ComponentChildren }) {
  const [lang, setLangState] = useState<Lang>(() => detectLang(storedLang(), navigator.languages ?? [navigator.language]));
  useEffect(() => {
    document.documentElement.lang = htmlLang(lang);
  }, [lang]);
  const setLang = useCallback((l: Lang) => {
    try {
      localStorage.setItem(LANG_STORAGE_KEY, l);
    } catch {
      // Private mode: the choice holds until the page is closed.
    }
    setLangState(l);
  }, []);
  const value = useMemo<I18n>(
    () => ({
      lang,
      setLang,
      t: (key, vars) => translate(lang, key, vars),
      name: (n) => (n ? n[lang] : ''),
      duration: (ms) => formatDuration(ms, lang),
      time: (at, now = Date.now(), withSeconds = true) => formatTime(at, lang, now, withSeconds),
      dateTime: (at) => formatDateTime(at, lang),
      eventType: (type) => eventTypeName(type, lang),
    }),
    [lang, setLang],
  );
  return <I18nContext.Provider value={value}>{children}</I18nContext.Provider>;
}

export function useI18n(): I18n {
  const v = useContext(I18nContext);
  if (!v) throw new Error('useI18n outside I18nProvider');
  return v;
}
