import { useCallback, useEffect, useState } from 'react';
import { Button, Space, Table, Tabs, Tag, Typography } from 'antd';
import { EditOutlined, EyeOutlined, PlusOutlined } from '@ant-design/icons';
import { Link, useSearchParams } from 'react-router';
import { api } from '../api/client';
import { definitions } from '../api/definitions';
import { forms as formsAPI } from '../api/forms';
import type { DefinitionInfo, FormSummary } from '../api/types';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';
import { NewReportDialog } from './NewReportDialog';

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

/** The reports and dashboards: the published ones, and drafts not yet
 * published; each opens in its designer. */
export function ReportsPage() {
  const { t, label } = useI18n();
  const [data, setData] = useState<{ reports: ReportSummary[]; dashboards: DashboardSummary[] } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [drafts, setDrafts] = useState<DefinitionInfo[]>([]);
  const [formList, setFormList] = useState<FormSummary[]>([]);
  const [creating, setCreating] = useState<'report' | 'dashboard' | null>(null);
  const [params, setParams] = useSearchParams();
  const load = useCallback(() => {
    setError(null);
    Promise.all([api.get<{ items: ReportSummary[] }>('/api/v1/reports'), api.get<{ items: DashboardSummary[] }>('/api/v1/dashboards')]).then(
      ([r, d]) => setData({ reports: r.items, dashboards: d.items }),
      setError,
    );
    definitions.list().then(setDrafts, () => setDrafts([]));
    formsAPI.list().then(setFormList, () => setFormList([]));
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  const version = (v: number) => (v > 0 ? <Tag color="blue">v{v}</Tag> : <Tag>{t('reports.draft')}</Tag>);
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
      <NewReportDialog
        kind={creating}
        forms={formList}
        taken={drafts.filter((d) => d.kind === creating).map((d) => d.key)}
        onClose={() => setCreating(null)}
      />
      <Tabs
        activeKey={params.get('tab') ?? 'reports'}
        onChange={(tab) => setParams(tab === 'reports' ? {} : { tab }, { replace: true })}
        tabBarExtraContent={
          <Space>
            <Button icon={<PlusOutlined />} onClick={() => setCreating('report')} data-testid="new-report">
              {t('reports.newReport')}
            </Button>
            <Button icon={<PlusOutlined />} onClick={() => setCreating('dashboard')} data-testid="new-dashboard">
              {t('reports.newDashboard')}
            </Button>
          </Space>
        }
        items={[
          {
            key: 'reports',
            label: t('reports.reports'),
            children: (
              <Table<ReportSummary>
                rowKey="key"
                loading={!data}
                dataSource={withDrafts(data?.reports ?? [], drafts, 'report')}
                pagination={{ pageSize: 20, hideOnSinglePage: true }}
                locale={{ emptyText: t('reports.none') }}
                columns={[
                  { title: t('forms.colTitle'), dataIndex: 'title', render: title },
                  { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.source'), dataIndex: 'source', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.chart'), render: (_, r) => (r.chart ? <Tag>{r.chart.type}</Tag> : null) },
                  { title: t('history.version'), dataIndex: 'version', render: version },
                  {
                    key: 'actions',
                    render: (_, r) => (
                      <Link to={`/studio/reports/design/${r.key}`} data-testid={`design-${r.key}`}>
                        <EditOutlined /> {t('reports.design')}
                      </Link>
                    ),
                  },
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
                dataSource={withDrafts(data?.dashboards ?? [], drafts, 'dashboard')}
                pagination={false}
                locale={{ emptyText: t('reports.noDashboards') }}
                columns={[
                  { title: t('forms.colTitle'), dataIndex: 'title', render: title },
                  { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
                  { title: t('reports.widgets'), dataIndex: 'widget_count' },
                  { title: t('history.version'), dataIndex: 'version', render: version },
                  {
                    key: 'actions',
                    render: (_, d) => (
                      <Space>
                        <Link to={`/studio/reports/dashboards/${d.key}/design`} data-testid={`design-${d.key}`}>
                          <EditOutlined /> {t('reports.design')}
                        </Link>
                        {d.version > 0 && (
                          <Link to={`/studio/reports/dashboards/${d.key}`} data-testid={`open-${d.key}`}>
                            <EyeOutlined /> {t('reports.open')}
                          </Link>
                        )}
                      </Space>
                    ),
                  },
                ]}
              />
            ),
          },
        ]}
      />
    </div>
  );
}

/** The published items, then the drafts of kind never published. */
function withDrafts<T extends { key: string; title: string; version: number }>(live: T[], defs: DefinitionInfo[], kind: string): T[] {
  const keys = new Set(live.map((x) => x.key));
  const drafts = defs.filter((d) => d.kind === kind && d.has_draft && !d.latest_version && !keys.has(d.key));
  return [...live, ...drafts.map((d) => ({ key: d.key, title: d.title, version: 0 }) as unknown as T)];
}
