import { useCallback, useEffect, useMemo, useState } from 'react';
import { Button, Input, Space, Table, Tag } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { PageError } from '../shell/PageState';
import { accessApi, type AdminDepartment, type AdminUser } from './accessApi';
import { UserDrawer } from './UserDrawer';

/** Users: search, create, and open one to edit its roles, departments,
 * attributes, activation and password. */
export function UsersTab({ roles, departments }: { roles: string[]; departments: AdminDepartment[] }) {
  const { t } = useI18n();
  const [q, setQ] = useState('');
  const [users, setUsers] = useState<AdminUser[] | null>(null);
  const [total, setTotal] = useState(0);
  const [error, setError] = useState<unknown>(null);
  const [editing, setEditing] = useState<AdminUser | 'new' | null>(null);
  const load = useCallback(() => {
    setError(null);
    accessApi.users(q).then((r) => {
      setUsers(r.items);
      setTotal(r.total);
    }, setError);
  }, [q]);
  useEffect(load, [load]);
  const deptName = useMemo(() => new Map(departments.map((d) => [d.id, d.name])), [departments]);
  if (error) return <PageError error={error} onRetry={load} />;
  return (
    <>
      <div className="access-toolbar">
        <Input.Search allowClear placeholder={t('access.searchUsers')} onSearch={setQ} style={{ width: 280 }} aria-label={t('access.searchUsers')} />
        <span className="muted">{t('access.userCount', { n: total })}</span>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setEditing('new')}>
          {t('access.newUser')}
        </Button>
      </div>
      <Table<AdminUser>
        rowKey="id"
        size="middle"
        loading={!users}
        dataSource={users ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        onRow={(u) => ({ onDoubleClick: () => setEditing(u) })}
        columns={[
          { title: t('access.name'), dataIndex: 'name' },
          { title: t('access.email'), dataIndex: 'email' },
          { title: t('access.roles'), render: (_, u) => <Space size={4} wrap>{u.roles.map((r) => <Tag key={r}>{r}</Tag>)}</Space> },
          { title: t('access.departments'), render: (_, u) => u.department_ids.map((id) => deptName.get(id) ?? `#${id}`).join(', ') },
          {
            title: t('access.active'),
            width: 90,
            render: (_, u) => (u.active ? <Tag color="green">{t('access.activeYes')}</Tag> : <Tag>{t('access.activeNo')}</Tag>),
          },
          {
            title: '',
            width: 90,
            render: (_, u) => (
              <Button size="small" onClick={() => setEditing(u)} aria-label={t('access.editUser', { name: u.name })}>
                {t('access.edit')}
              </Button>
            ),
          },
        ]}
      />
      {editing && (
        <UserDrawer
          user={editing === 'new' ? null : editing}
          roles={roles}
          departments={departments}
          users={users ?? []}
          onClose={() => setEditing(null)}
          onSaved={() => {
            setEditing(null);
            load();
          }}
        />
      )}
    </>
  );
}
