import { useI18n } from '../i18n/context.tsx';

/** Shows the other language's name; one press switches, and the choice is remembered. */
export function LangSwitch() {
  const { lang, setLang, t } = useI18n();
  const other = lang === 'zh' ? 'en' : 'zh';
  return (
    <button type="button" class="btn btn--ghost lang-switch" lang={other === 'zh' ? 'zh-CN' : 'en'} aria-label={`${t('lang.switch')}: ${t('lang.other')}`} onClick={() => setLang(other)}>
      {t('lang.other')}
    </button>
  );
}
