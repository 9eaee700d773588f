import { useCallback, useEffect, useState } from 'react';
import { Alert, Table, Tabs, Tag, Typography } from 'antd';
import { api } from '../api/client';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';

interface ReportSummary {
  key: string;
  title: string;
  description?: string;
  source: string;
  version: number;
  chart?: { type: string };
  forbidden?: unknown;
}

interface DashboardSummary {
  key: string;
  title: string;
  description?: string;
  version: number;
  widget_count: number;
}

/** The published reports and dashboards. Designing them comes with the
 * report designer; what is listed here is live. */
export function ReportsPage() {
  const { t, label } = useI18n();
  const [data, setData] = useState<{ reports: ReportSummary[]; dashboards: DashboardSummary[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.get<{ items: ReportSummary[] }>('/api/v1/reports'), api.get<{ items: DashboardSummary[] }>('/api/v1/dashboards')]).then(
      ([r, d]) => setData({ reports: r.items, dashboards: d.items }),
      setError,
    );
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  const title = (v: string, r: { description?: string }) => (
    <div>
      <strong>{label(v)}</strong>
      {r.description && <div className="muted small clamp">{r.description}</div>}
    </div>
  );
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('reports.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('reports.subtitle')}</Typography.Text>
        </div>
      </div>
      <Alert type="info" showIcon title={t('reports.designerComing')} style={{ marginBottom: 16 }} />
      <Tabs
        items={[
          {
            key: 'reports',
            label: t('reports.reports'),
            children: (
              <Table<ReportSummary>
                rowKey="key"
                loading={!data}
                dataSource={data?.reports ?? []}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                locale={{ emptyText: t('reports.none') }}
                columns={[
                  { title: t('forms.colTitle'), dataIndex: 'title', render: title },
                  { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.source'), dataIndex: 'source', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.chart'), render: (_, r) => (r.chart ? <Tag>{r.chart.type}</Tag> : null) },
                  { title: t('history.version'), dataIndex: 'version', render: (v: number) => <Tag color="blue">v{v}</Tag> },
                ]}
              />
            ),
          },
          {
            key: 'dashboards',
            label: t('reports.dashboards'),
            children: (
              <Table<DashboardSummary>
                rowKey="key"
                loading={!data}
                dataSource={data?.dashboards ?? []}
                pagination={false}
                locale={{ emptyText: t('reports.noDashboards') }}
                columns={[
                  { title: t('forms.colTitle'), dataIndex: 'title', render: title },
                  { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.widgets'), dataIndex: 'widget_count' },
                  { title: t('history.version'), dataIndex: 'version', render: (v: number) => <Tag color="blue">v{v}</Tag> },
                ]}
              />
            ),
          },
        ]}
      />
    </div>
  );
}
