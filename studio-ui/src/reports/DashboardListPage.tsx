// The dashboards the signed-in user may read.

import { useCallback, useEffect, useState } from 'react';
import { Link } from 'react-router';
import { Card, Empty, Typography } from 'antd';
import { DashboardOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { reportApi } from './reportApi';
import type { DashboardSummary } from './types';
import './reports.css';

export function DashboardListPage() {
  const { t, label } = useI18n();
  const [items, setItems] = useState<DashboardSummary[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    reportApi.dashboards().then(setItems, setError);
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!items) return <PageLoading />;
  return (
    <div className="page">
      <div className="page-head">
        <Typography.Title level={3} style={{ margin: 0 }}>
          {t('reports.dashboards')}
        </Typography.Title>
      </div>
      {items.length === 0 && <Empty description={t('reports.noDashboards')} />}
      <div className="dash-list">
        {items.map((d) => (
          <Link key={d.key} to={d.key} data-testid={`dashboard-${d.key}`}>
            <Card hoverable size="small" title={<><DashboardOutlined /> {label(d.title)}</>}>
              <div className="muted small clamp">{d.description}</div>
              <div className="muted small">{t('reports.widgetCount', { n: d.widget_count })}</div>
            </Card>
          </Link>
        ))}
      </div>
    </div>
  );
}
