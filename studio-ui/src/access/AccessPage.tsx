import { useCallback, useEffect, useState } from 'react';
import { Alert, Space, Table, Tabs, Tag, Typography } from 'antd';
import { api } from '../api/client';
import { definitions } from '../api/definitions';
import type { DefinitionInfo, Department, User } from '../api/types';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';

interface Data {
  users: User[];
  total: number;
  departments: Department[];
  roles: DefinitionInfo[];
}

/** Who may do what: users with their roles, departments, and the roles
 * themselves. Editing comes with the access admin; this is what is live. */
export function AccessPage() {
  const { t, label } = useI18n();
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([
      api.get<{ items: User[]; total?: number }>('/api/v1/admin/users?per_page=200'),
      api.get<{ items: Department[] }>('/api/v1/admin/departments'),
      definitions.list(),
    ]).then(
      ([u, d, defs]) =>
        setData({ users: u.items, total: u.total ?? u.items.length, departments: d.items, roles: defs.filter((x) => x.kind === 'role') }),
      setError,
    );
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  const deptName = new Map((data?.departments ?? []).map((d) => [d.id, d.name]));
  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Typography.Title level={3} style={{ margin: 0 }}>
            {t('access.title')}
          </Typography.Title>
          <Typography.Text type="secondary">{t('access.subtitle')}</Typography.Text>
        </div>
      </div>
      <Alert type="info" showIcon title={t('access.editingComing')} style={{ marginBottom: 16 }} />
      <Tabs
        items={[
          {
            key: 'users',
            label: t('access.users'),
            children: (
              <>
                {data && data.total > data.users.length && (
                  <Alert type="info" showIcon title={t('access.firstUsers', { n: data.users.length, total: data.total })} style={{ marginBottom: 12 }} />
                )}
                <Table<User>
                  rowKey="id"
                  loading={!data}
                  dataSource={data?.users ?? []}
                  pagination={{ pageSize: 20, hideOnSinglePage: true }}
                  columns={[
                    { title: t('access.name'), dataIndex: 'name' },
                    { title: t('access.email'), dataIndex: 'email' },
                    { title: t('access.roles'), render: (_, u) => <Space size={4} wrap>{u.roles.map((r) => <Tag key={r}>{r}</Tag>)}</Space> },
                    {
                      title: t('access.departments'),
                      render: (_, u) => (u.department_ids ?? []).map((id) => deptName.get(id) ?? `#${id}`).join(', '),
                    },
                    { title: t('access.active'), render: (_, u) => (u.active ? <Tag color="green">{t('common.yes')}</Tag> : <Tag>{t('common.no')}</Tag>) },
                  ]}
                />
              </>
            ),
          },
          {
            key: 'roles',
            label: t('access.rolesTab'),
            children: (
              <Table<DefinitionInfo>
                rowKey="key"
                loading={!data}
                dataSource={data?.roles ?? []}
                pagination={false}
                columns={[
                  { title: t('forms.colTitle'), dataIndex: 'title', render: (v: string) => label(v) },
                  { title: t('forms.colKey'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
                  { title: t('history.version'), dataIndex: 'latest_version', render: (v: number) => (v ? <Tag color="blue">v{v}</Tag> : null) },
                ]}
              />
            ),
          },
          {
            key: 'departments',
            label: t('access.departments'),
            children: (
              <Table<Department>
                rowKey="id"
                loading={!data}
                dataSource={data?.departments ?? []}
                pagination={false}
                locale={{ emptyText: t('access.noDepartments') }}
                columns={[
                  { title: t('access.name'), dataIndex: 'name' },
                  { title: t('access.parent'), render: (_, d) => (d.parent_id ? (deptName.get(d.parent_id) ?? `#${d.parent_id}`) : '—') },
                ]}
              />
            ),
          },
        ]}
      />
    </div>
  );
}
