import { ApiError } from '../api/http.ts';
import { hasKey } from '../i18n/messages.ts';
import type { I18n } from '../i18n/context.tsx';

/** Any failure as a sentence the operator can act on, in the page's language. */
export function errorText(err: unknown, i18n: Pick<I18n, 't'>): string {
  const { t } = i18n;
  if (err instanceof ApiError) {
    if (err.kind === 'timeout') return t('err.timeout');
    if (err.kind === 'network') return t('err.network');
    const key = `err.${err.code ?? ''}`;
    if (hasKey(key)) {
      const stateKey = `state.${err.currentState ?? ''}`;
      return t(key, { message: err.message, state: hasKey(stateKey) ? t(stateKey) : (err.currentState ?? '?') });
    }
    return t('err.generic', { message: err.message });
  }
  return t('err.generic', { message: err instanceof Error ? err.message : String(err) });
}
