import { useEffect, useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';
import { Forbidden } from '../ui/forbidden.tsx';
import { LangSwitch } from '../ui/lang-switch.tsx';
import type { SessionApi } from '../ui/session-gate.tsx';
import { ADMIN_TABS } from './tabs.ts';

const tabFromHash = (): string => {
  const id = location.hash.replace(/^#\/?/, '');
  return ADMIN_TABS.some((t) => t.id === id) ? id : ADMIN_TABS[0]!.id;
};

/** The admin page: the desk's top bar and style, one tab per part of the configuration. */
export function AdminApp({ session }: { session: SessionApi }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [tab, setTab] = useState(tabFromHash);
  useEffect(() => {
    const onHash = () => setTab(tabFromHash());
    window.addEventListener('hashchange', onHash);
    return () => window.removeEventListener('hashchange', onHash);
  }, []);
  if (session.user.role !== 'admin') return <Forbidden message="admin.forbidden" link={{ href: '/', label: 'admin.toDesk' }} onSignOut={session.signOut} />;
  const current = ADMIN_TABS.find((x) => x.id === tab) ?? ADMIN_TABS[0]!;
  const View = current.view;
  return (
    <div class="desk admin">
      <header class="topbar">
        <div class="topbar__brand">
          <span class="brand">OpenCompound</span>
          <span class="topbar__title">{t('app.admin')}</span>
        </div>
        <nav class="topbar__nav" aria-label={t('admin.tabs')}>
          {ADMIN_TABS.map((x) => (
            <a key={x.id} class="tab" href={`#/${x.id}`} data-testid={`admin-tab-${x.id}`} aria-current={x.id === current.id ? 'page' : undefined}>
              {t(x.label)}
            </a>
          ))}
          <a class="tab" href="/">
            {t('admin.toDesk')}
          </a>
        </nav>
        <div class="topbar__status">
          <LangSwitch />
          <span class="user" title={session.user.login}>
            <span class="user__name">{i18n.name(session.user.name)}</span>
            <span class="user__role">{t(`user.role.${session.user.role}`)}</span>
          </span>
          <button type="button" class="btn btn--ghost" onClick={session.signOut}>
            {t('signin.out')}
          </button>
        </div>
      </header>
      <main id="main" class="admin__main" aria-label={t(current.label)}>
        <View />
      </main>
    </div>
  );
}
