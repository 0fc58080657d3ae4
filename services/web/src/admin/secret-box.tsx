import { useState } from 'preact/hooks';
import { useI18n } from '../i18n/context.tsx';

/** A secret or key shown once, with a copy button; the page never shows it again. */
export function SecretBox({ text, value }: { text: string; value: string }) {
  const { t } = useI18n();
  const [copied, setCopied] = useState(false);
  return (
    <div class="secret-box notice" role="status">
      <p>{text}</p>
      <p class="secret-box__row">
        <code class="mono secret-box__value" data-testid="secret">
          {value}
        </code>
        <button
          type="button"
          class="btn btn--small"
          onClick={() => {
            void navigator.clipboard?.writeText(value).then(() => setCopied(true), () => undefined);
          }}
        >
          {copied ? t('admin.copied') : t('admin.copy')}
        </button>
      </p>
    </div>
  );
}
