import { Button, Result } from 'antd';
import { useRouteError } from 'react-router';
import { useI18n } from '../i18n';

/** What a page that crashed shows instead of a blank screen. A failed chunk
 * load (a new release while the tab was open) is fixed by reloading. */
export function RouteError() {
  const { t } = useI18n();
  const error = useRouteError() as Error | undefined;
  return (
    <Result
      status="error"
      title={t('crash.title')}
      subTitle={error?.message}
      extra={
        <Button type="primary" onClick={() => window.location.reload()}>
          {t('crash.reload')}
        </Button>
      }
    />
  );
}
