import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Input, Space, Table, Tag, Typography } from 'antd';
import { EditOutlined, FileAddOutlined, PlusOutlined, ReloadOutlined, SearchOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { definitions } from '../api/definitions';
import { forms } from '../api/forms';
import type { DefinitionInfo, FormSummary } from '../api/types';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';
import { NewFormDialog } from './NewFormDialog';

interface Row extends DefinitionInfo {
  description?: string;
}

/** Every form, published or draft, with a way into its designer. */
export function FormListPage() {
  const { t, label } = useI18n();
  const [rows, setRows] = useState<Row[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [search, setSearch] = useState('');

  const load = useCallback(async () => {
    setError(null);
    try {
      const [defs, live] = await Promise.all([definitions.list(), forms.list()]);
      const byKey = new Map<string, FormSummary>(live.map((f) => [f.key, f]));
      setRows(defs.filter((d) => d.kind === 'form').map((d) => ({ ...d, description: byKey.get(d.key)?.description })));
    } catch (e) {
      setError(e);
    }
  }, []);
  useEffect(() => {
    void load();
  }, [load]);

  const shown = useMemo(() => {
    const q = search.trim().toLowerCase();
    return (rows ?? []).filter((r) => !q || r.title.toLowerCase().includes(q) || r.key.includes(q));
  }, [rows, search]);

  if (error) return <PageError error={error} onRetry={load} />;
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('forms.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('forms.subtitle')}</Typography.Text>
        </div>
        <Space>
          <Input
            allowClear
            prefix={<SearchOutlined />}
            placeholder={t('forms.search')}
            aria-label={t('forms.search')}
            value={search}
            onChange={(e) => setSearch(e.target.value)}
            style={{ width: 220 }}
          />
          <Button icon={<ReloadOutlined />} onClick={load} aria-label={t('common.refresh')} />
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
            {t('forms.new')}
          </Button>
        </Space>
      </div>
      <Table<Row>
        rowKey="key"
        loading={rows === null}
        dataSource={shown}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: search ? t('forms.noMatch') : t('forms.empty') }}
        columns={[
          {
            title: t('forms.colTitle'),
            dataIndex: 'title',
            render: (_, r) => (
              <div>
                <Link to={`/studio/forms/${r.key}/design`} className="strong-link">
                  {label(r.title)}
                </Link>
                {r.description && <div className="muted small clamp">{r.description}</div>}
              </div>
            ),
          },
          { title: t('forms.colKey'), dataIndex: 'key', width: 160, render: (k: string) => <code>{k}</code> },
          {
            title: t('forms.colStatus'),
            width: 220,
            render: (_, r) => (
              <Space size={4} wrap>
                {r.latest_version ? <Tag color="green">{t('designer.liveVersion', { n: r.latest_version })}</Tag> : <Tag>{t('designer.notPublished')}</Tag>}
                {r.has_draft && <Tag color="gold">{t('forms.hasDraft')}</Tag>}
              </Space>
            ),
          },
          {
            title: t('forms.colActions'),
            width: 240,
            render: (_, r) => (
              <Space>
                <Link to={`/studio/forms/${r.key}/design`}>
                  <Button size="small" icon={<EditOutlined />}>
                    {t('forms.design')}
                  </Button>
                </Link>
                {r.latest_version > 0 && (
                  <Link to={`/studio/forms/${r.key}/records/new`}>
                    <Button size="small" icon={<FileAddOutlined />}>
                      {t('designer.newRecord')}
                    </Button>
                  </Link>
                )}
              </Space>
            ),
          },
        ]}
      />
      <NewFormDialog open={creating} onClose={() => setCreating(false)} taken={(rows ?? []).map((r) => r.key)} />
    </div>
  );
}
