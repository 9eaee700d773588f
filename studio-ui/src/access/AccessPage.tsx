import './access.css';
import { useCallback, useEffect, useState } from 'react';
import { Tabs, Typography } from 'antd';
import { useSearchParams } from 'react-router';
import type { FormDefinition } from '../api/types';
import { definitions } from '../api/definitions';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { accessApi, type AdminDepartment, type AdminUser } from './accessApi';
import type { RoleDefinition } from './roleModel';
import { UsersTab } from './UsersTab';
import { DepartmentsTab } from './DepartmentsTab';
import { PermissionsTab } from './PermissionsTab';
import { ApiKeysTab } from './ApiKeysTab';
import { ExplainPanel } from './ExplainPanel';

interface Data {
  users: AdminUser[];
  departments: AdminDepartment[];
  roles: RoleDefinition[];
  versions: Record<string, number>;
  forms: FormDefinition[];
}

const tabs = ['users', 'departments', 'permissions', 'keys', 'explain'] as const;

/** The access admin: users, departments, roles and their permissions, API
 * keys, and why a user may do what they may. Every change is live at once:
 * the server rebuilds access on each write. */
export function AccessPage() {
  const { t } = useI18n();
  const [params, setParams] = useSearchParams();
  const tab = tabs.find((x) => x === params.get('tab')) ?? 'users';
  const [data, setData] = useState<Data | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    Promise.all([accessApi.users(), accessApi.departments(), accessApi.roles(), definitions.list(), accessApi.forms()]).then(
      ([u, departments, roles, defs, forms]) =>
        setData({
          users: u.items,
          departments,
          roles,
          versions: Object.fromEntries(defs.filter((d) => d.kind === 'role').map((d) => [d.key, d.latest_version])),
          forms,
        }),
      setError,
    );
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!data) return <PageLoading />;
  const roleKeys = ['admin', ...data.roles.map((r) => r.key)];
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
      <Tabs
        activeKey={tab}
        onChange={(k) => setParams({ tab: k }, { replace: true })}
        items={[
          { key: 'users', label: t('access.users'), children: <UsersTab roles={roleKeys} departments={data.departments} /> },
          {
            key: 'departments',
            label: t('access.departments'),
            children: <DepartmentsTab departments={data.departments} users={data.users} onChanged={load} />,
          },
          {
            key: 'permissions',
            label: t('access.permissions'),
            children: <PermissionsTab roles={data.roles} forms={data.forms} versions={data.versions} onPublished={load} />,
          },
          { key: 'keys', label: t('access.apiKeys'), children: <ApiKeysTab users={data.users} roles={roleKeys} /> },
          { key: 'explain', label: t('access.explainTab'), children: <ExplainPanel users={data.users} forms={data.forms} /> },
        ]}
      />
    </div>
  );
}
