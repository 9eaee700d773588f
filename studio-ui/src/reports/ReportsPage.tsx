import { useI18n } from '../i18n';
import { ComingSoon } from '../shell/PageState';

/** Reports and dashboards: the server's report engine has not landed, so
 * there is nothing to design against yet. */
export function ReportsPage() {
  const { t } = useI18n();
  return <ComingSoon title={t('reports.title')} text={t('reports.coming')} />;
}
