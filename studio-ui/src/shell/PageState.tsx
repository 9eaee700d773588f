import type { ReactNode } from 'react';
import { Button, Spin } from 'antd';
import { useI18n } from '../i18n';
import { ErrorAlert } from './ErrorAlert';

export function PageLoading({ tip }: { tip?: string }) {
  const { t } = useI18n();
  return (
    <div className="page-loading" role="status" aria-live="polite">
      <Spin size="large" />
      <div className="muted">{tip ?? t('common.loading')}</div>
    </div>
  );
}

/** A page that could not load: what went wrong and a way to try again. */
export function PageError({ error, onRetry, extra }: { error: unknown; onRetry?: () => void; extra?: ReactNode }) {
  const { t } = useI18n();
  return (
    <div className="page-error">
      <ErrorAlert
        error={error}
        action={
          onRetry ? (
            <Button size="small" onClick={onRetry}>
              {t('common.retry')}
            </Button>
          ) : undefined
        }
      />
      {extra}
    </div>
  );
}
