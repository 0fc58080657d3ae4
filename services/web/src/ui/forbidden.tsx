import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { LangSwitch } from './lang-switch.tsx';

/** What a role may not open, said plainly, with the way to where it belongs. */
export function Forbidden({ message, link, onSignOut }: { message: MessageKey; link: { href: string; label: MessageKey }; onSignOut?: () => void }) {
  const { t } = useI18n();
  return (
    <section class="forbidden" role="alert" aria-labelledby="forbidden-title">
      <h1 id="forbidden-title">{t('forbidden.title')}</h1>
      <p>{t(message)}</p>
      <p class="forbidden__actions">
        <a class="btn btn--primary" href={link.href}>
          {t(link.label)}
        </a>
        {onSignOut && (
          <button type="button" class="btn btn--ghost" onClick={onSignOut}>
            {t('signin.out')}
          </button>
        )}
        {onSignOut && <LangSwitch />}
      </p>
    </section>
  );
}
