import { useCallback, useEffect, useState } from 'react';
import { Button, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { definitions } from '../api/definitions';
import type { DefinitionInfo, DefinitionVersion } from '../api/types';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';

function Versions({ flowKey }: { flowKey: string }) {
  const { t, fmt } = useI18n();
  const [items, setItems] = useState<DefinitionVersion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  useEffect(() => {
    definitions.versions('flow', flowKey).then(setItems, setError);
  }, [flowKey]);
  if (error) return <PageError error={error} />;
  return (
    <Table<DefinitionVersion>
      size="small"
      rowKey="version"
      loading={!items}
      dataSource={items ?? []}
      pagination={false}
      columns={[
        { title: t('history.version'), dataIndex: 'version', width: 90, render: (v: number) => <Tag color="blue">v{v}</Tag> },
        { title: t('history.publishedAt'), dataIndex: 'published_at', render: (v: string) => fmt.dateTime(v) },
        { title: t('history.note'), dataIndex: 'note', render: (v: string) => v || <span className="muted">{t('history.noNote')}</span> },
      ]}
    />
  );
}

/** The approval flows and their versions; each opens in the designer. */
export function FlowListPage() {
  const { t, label } = useI18n();
  const [rows, setRows] = useState<DefinitionInfo[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    definitions.list().then((ds) => setRows(ds.filter((d) => d.kind === 'flow')), setError);
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('flows.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('flows.subtitle')}</Typography.Text>
        </div>
      </div>
      <Table<DefinitionInfo>
        rowKey="key"
        loading={!rows}
        dataSource={rows ?? []}
        pagination={false}
        expandable={{ expandedRowRender: (r) => <Versions flowKey={r.key} /> }}
        locale={{ emptyText: t('flows.empty') }}
        columns={[
          {
            title: t('forms.colTitle'),
            dataIndex: 'title',
            render: (v: string, r) => (
              <Link to={`/studio/flows/${r.key}/design`} data-testid={`flow-${r.key}`}>
                <strong>{label(v)}</strong>
              </Link>
            ),
          },
          { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
          {
            title: t('forms.colStatus'),
            render: (_, r) => (
              <Space size={4}>
                {r.latest_version ? <Tag color="green">{t('designer.liveVersion', { n: r.latest_version })}</Tag> : <Tag>{t('designer.notPublished')}</Tag>}
                {r.has_draft && <Tag color="gold">{t('forms.hasDraft')}</Tag>}
              </Space>
            ),
          },
          {
            title: '',
            width: 110,
            render: (_, r) => (
              <Link to={`/studio/flows/${r.key}/design`}>
                <Button size="small" icon={<EditOutlined />}>
                  {t('flows.design')}
                </Button>
              </Link>
            ),
          },
        ]}
      />
    </div>
  );
}
