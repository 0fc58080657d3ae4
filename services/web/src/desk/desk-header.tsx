import type { LiveState } from '../api/live.ts';
import type { SessionUser } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import type { MessageKey } from '../i18n/messages.ts';
import { hrefOf, type DeskRoute } from '../logic/routes.ts';
import { useNow } from '../ui/hooks.ts';
import { Icon } from '../ui/icons.tsx';
import { LangSwitch } from '../ui/lang-switch.tsx';

const NAV: { view: DeskRoute['view']; label: MessageKey; managerOnly?: boolean }[] = [
  { view: 'board', label: 'nav.board' },
  { view: 'site', label: 'nav.site' },
  { view: 'shift', label: 'nav.shift' },
  { view: 'reports', label: 'nav.reports', managerOnly: true },
  { view: 'people', label: 'nav.people', managerOnly: true },
];

export interface DeskHeaderProps {
  route: DeskRoute;
  user: SessionUser;
  live: LiveState;
  sound: boolean;
  setSound(on: boolean): void;
  onSignOut(): void;
}

export function DeskHeader({ route, user, live, sound, setSound, onSignOut }: DeskHeaderProps) {
  const i18n = useI18n();
  const { t } = i18n;
  const now = useNow();
  const current = route.view === 'ticket' ? 'board' : route.view;
  return (
    <header class="topbar">
      <a class="skip" href="#main">
        {t('nav.main')}
      </a>
      <div class="topbar__brand">
        <span class="brand">OpenCompound</span>
        <span class="topbar__title">{t('app.desk')}</span>
      </div>
      <nav class="topbar__nav" aria-label={t('nav.main')}>
        {NAV.filter((n) => !n.managerOnly || user.role === 'manager').map((n) => (
          <a key={n.view} class="tab" href={hrefOf(n.view === 'board' ? { view: 'board', query: '' } : ({ view: n.view } as DeskRoute))} aria-current={current === n.view ? 'page' : undefined}>
            {t(n.label)}
          </a>
        ))}
        {user.role !== 'staff' && (
          <a class="tab" href={hrefOf({ view: 'log-call' })} data-testid="log-call" aria-current={current === 'log-call' ? 'page' : undefined}>
            {t('nav.logCall')}
          </a>
        )}
      </nav>
      <div class="topbar__status">
        <span class={`live live--${live}`} role="status" data-live={live}>
          <span class="live__dot" aria-hidden="true" />
          {t(`live.${live}`)}
        </span>
        <time class="clock" dateTime={new Date(now).toISOString()}>
          {i18n.time(now, now)}
        </time>
        <button type="button" class={`btn btn--ghost sound ${sound ? 'sound--on' : 'sound--off'}`} aria-pressed={sound} aria-label={t('sound.toggle')} title={t('sound.toggle')} onClick={() => setSound(!sound)}>
          <Icon name={sound ? 'bell' : 'bellOff'} /> {t(sound ? 'sound.on' : 'sound.off')}
        </button>
        <LangSwitch />
        <span class="user" title={user.login}>
          <span class="user__name">{i18n.name(user.name)}</span>
          <span class="user__role">{t(`user.role.${user.role}`)}</span>
        </span>
        <button type="button" class="btn btn--ghost" onClick={onSignOut}>
          {t('signin.out')}
        </button>
      </div>
    </header>
  );
}
