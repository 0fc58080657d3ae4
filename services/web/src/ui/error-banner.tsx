import { useI18n } from '../i18n/context.tsx';
import { errorText } from './error-text.ts';

/** A failure in words, with a retry when there is something to retry. */
export function ErrorBanner({ error, onRetry }: { error: unknown; onRetry?: (() => void) | undefined }) {
  const i18n = useI18n();
  if (!error) return null;
  return (
    <div class="error-banner" role="alert">
      <span>{errorText(error, i18n)}</span>
      {onRetry && (
        <button type="button" class="btn btn--small" onClick={onRetry}>
          {i18n.t('err.retry')}
        </button>
      )}
    </div>
  );
}
