import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useState } from 'preact/hooks';
import { getSession, signOut as apiSignOut } from '../api/endpoints.ts';
import { ApiError, onUnauthenticated } from '../api/http.ts';
import type { SessionUser } from '../api/types.ts';
import { useI18n } from '../i18n/context.tsx';
import { errorText } from './error-text.ts';
import { SignIn } from './sign-in.tsx';

type GateState = { kind: 'checking' } | { kind: 'signed-out'; notice?: string } | { kind: 'signed-in'; user: SessionUser } | { kind: 'unreachable'; message: string };

export interface SessionApi {
  user: SessionUser;
  signOut(): void;
}

/**
 * Shows the sign-in form until there is a session, and again as soon as any request
 * is answered 401 (expired or signed out elsewhere), saying why.
 */
export function SessionGate({ page, children }: { page: 'desk' | 'phone' | 'admin'; children: (s: SessionApi) => ComponentChildren }) {
  const i18n = useI18n();
  const [state, setState] = useState<GateState>({ kind: 'checking' });

  const check = useCallback(() => {
    getSession()
      .then((user) => setState({ kind: 'signed-in', user }))
      .catch((err: unknown) => {
        if (err instanceof ApiError && err.unauthenticated) setState({ kind: 'signed-out' });
        else setState({ kind: 'unreachable', message: errorText(err, i18n) });
      });
  }, [i18n]);

  useEffect(check, []);
  useEffect(
    () =>
      onUnauthenticated((err) => {
        setState((s) => (s.kind === 'signed-in' ? { kind: 'signed-out', notice: err.code === 'OC_API_SESSION_EXPIRED' ? i18n.t('signin.expired') : i18n.t('signin.needed') } : s));
      }),
    [i18n],
  );

  const signOut = useCallback(() => {
    apiSignOut()
      .catch(() => undefined)
      .finally(() => setState({ kind: 'signed-out' }));
  }, []);

  switch (state.kind) {
    case 'checking':
      return <p class="boot">{i18n.t('app.loading')}</p>;
    case 'unreachable':
      return (
        <div class="boot" role="alert">
          <p>{state.message}</p>
          <button type="button" class="btn" onClick={check}>
            {i18n.t('err.retry')}
          </button>
        </div>
      );
    case 'signed-out':
      return <SignIn page={page} notice={state.notice} onSignedIn={(user) => setState({ kind: 'signed-in', user })} />;
    case 'signed-in':
      return <>{children({ user: state.user, signOut })}</>;
  }
}
