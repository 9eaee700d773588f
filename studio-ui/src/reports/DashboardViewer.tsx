// A published dashboard as any signed-in user reads it: what they may see of
// each widget, shared and linked filters, drill-down to the records, export.

import { useCallback, useEffect, useState } from 'react';
import { useParams } from 'react-router';
import { Typography } from 'antd';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { DashboardGrid } from './DashboardGrid';
import { reportApi, type DashboardRequest } from './reportApi';
import type { DashboardView } from './types';
import './reports.css';

/** The dashboard key names (or the route's :key). */
export function DashboardViewer({ dashboardKey }: { dashboardKey?: string }) {
  const params = useParams();
  const key = dashboardKey ?? params.key ?? '';
  const { label } = useI18n();
  const [view, setView] = useState<DashboardView | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    setView(null);
    reportApi.dashboard(key).then(setView, setError);
  }, [key]);
  useEffect(load, [load]);
  const run = useCallback((req: DashboardRequest) => reportApi.runDashboard(key, req), [key]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!view) return <PageLoading />;
  return (
    <div className="page dashboard-page" data-testid="dashboard-viewer">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {label(view.title)}
          </Typography.Title>
          {view.description && <Typography.Text type="secondary">{view.description}</Typography.Text>}
        </div>
      </div>
      <DashboardGrid spec={view} run={run} />
    </div>
  );
}
