import { useState } from 'preact/hooks';
import { signIn } from '../api/endpoints.ts';
import type { SessionUser } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { errorText } from './error-text.ts';
import { LangSwitch } from './lang-switch.tsx';
import { unlockAudio } from './sound.ts';

/** One form for everyone; where they land depends on the role (staff go to their phone page). */
export function SignIn({ page, notice, onSignedIn }: { page: 'desk' | 'phone' | 'admin'; notice?: string | undefined; onSignedIn(user: SessionUser): void }) {
  const i18n = useI18n();
  const { t } = i18n;
  const [login, setLogin] = useState('');
  const [password, setPassword] = useState('');
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string | undefined>();

  const submit = (e: Event) => {
    e.preventDefault();
    // The click that signs in is the gesture browsers want before they play the alarm.
    unlockAudio();
    setBusy(true);
    setError(undefined);
    signIn(login.trim(), password)
      .then((user) => {
        if (page !== 'phone' && user.role === 'staff') location.assign('/m');
        else if (page === 'phone' && user.role !== 'staff') location.assign('/');
        else onSignedIn(user);
      })
      .catch((err: unknown) => {
        setError(errorText(err, i18n));
        setBusy(false);
      });
  };

  return (
    <main class={`signin signin--${page}`}>
      <form class="signin__card" onSubmit={submit} aria-labelledby="signin-title">
        <div class="signin__top">
          <div>
            <p class="brand">OpenCompound</p>
            <h1 id="signin-title">
              {t(page === 'desk' ? 'app.desk' : page === 'admin' ? 'app.admin' : 'app.phone')} · {t('signin.title')}
            </h1>
            <p class="muted">{t('signin.subtitle')}</p>
          </div>
          <LangSwitch />
        </div>
        {notice && (
          <p class="notice" role="status">
            {notice}
          </p>
        )}
        <label class="field">
          <span>{t('signin.login')}</span>
          <input name="login" autocomplete="username" autocapitalize="off" spellcheck={false} required value={login} onInput={(e) => setLogin(e.currentTarget.value)} />
        </label>
        <label class="field">
          <span>{t('signin.password')}</span>
          <input name="password" type="password" autocomplete="current-password" required value={password} onInput={(e) => setPassword(e.currentTarget.value)} />
        </label>
        {error && (
          <p class="error" role="alert">
            {error}
          </p>
        )}
        <button class="btn btn--primary btn--block" type="submit" disabled={busy}>
          {busy ? t('signin.busy') : t('signin.submit')}
        </button>
      </form>
    </main>
  );
}
