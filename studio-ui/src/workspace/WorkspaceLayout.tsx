// The workspace's frame: the forms the user may use, the inbox with its
// count and the dashboards on the left; the bell, language and account on
// top. On a phone the menu folds into a drawer.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Avatar, Badge, Button, Drawer, Dropdown, Grid, Layout, Menu } from 'antd';
import { BarChartOutlined, FileTextOutlined, InboxOutlined, LogoutOutlined, MenuOutlined, SettingOutlined, UserOutlined } from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { useAuth } from '../auth/AuthContext';
import { forms as formsAPI } from '../api/forms';
import type { FormSummary } from '../api/types';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { Logo } from '../shell/Logo';
import { ws, type FormPermissions } from './api';
import { NotificationBell } from './NotificationBell';
import { can, WorkspaceContext, type Workspace } from './WorkspaceContext';

export function WorkspaceLayout() {
  const { t, label } = useI18n();
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const screens = Grid.useBreakpoint();
  const phone = !screens.md;
  const [drawer, setDrawer] = useState(false);
  const [forms, setForms] = useState<FormSummary[]>([]);
  const [permissions, setPermissions] = useState<Record<string, FormPermissions>>({});
  const [counts, setCounts] = useState<Record<string, number>>({});
  const [pulse, setPulse] = useState(0);

  useEffect(() => {
    Promise.all([formsAPI.list(), ws.permissions()]).then(([fs, ps]) => {
      const byForm = Object.fromEntries(ps.map((p) => [p.form, p]));
      setPermissions(byForm);
      setForms(fs.filter((f) => can(byForm[f.key], 'read') || can(byForm[f.key], 'create')));
    }, () => {});
  }, []);
  const refreshCounts = useCallback(() => {
    ws.inbox('pending', 1, 1).then((r) => setCounts(r.counts), () => {});
  }, []);
  useEffect(refreshCounts, [refreshCounts]);
  const onNotice = useCallback(() => {
    refreshCounts();
    setPulse((p) => p + 1);
  }, [refreshCounts]);

  const value = useMemo<Workspace>(() => ({ forms, permissions, counts, refreshCounts, pulse }), [forms, permissions, counts, refreshCounts, pulse]);

  const path = location.pathname;
  const selected = path.startsWith('/app/inbox')
    ? 'inbox'
    : path.startsWith('/app/dashboards')
      ? 'dashboards'
      : path.startsWith('/app/settings')
        ? 'settings'
        : (/^\/app\/forms\/([^/]+)/.exec(path)?.[1] ?? 'inbox');
  const items = [
    {
      key: 'inbox',
      icon: <InboxOutlined />,
      label: (
        <span className="ws-menu-inbox">
          {t('ws.inbox')} <Badge count={counts.pending ?? 0} size="small" data-testid="inbox-count" />
        </span>
      ),
    },
    {
      key: 'forms',
      type: 'group' as const,
      label: t('ws.forms'),
      children: forms.map((f) => ({ key: f.key, icon: <FileTextOutlined />, label: label(f.title) })),
    },
    { key: 'dashboards', icon: <BarChartOutlined />, label: t('ws.dashboards') },
    { key: 'settings', icon: <SettingOutlined />, label: t('ws.away') },
  ];
  const go = (key: string) => {
    setDrawer(false);
    if (key === 'inbox' || key === 'dashboards' || key === 'settings') navigate(`/app/${key}`);
    else navigate(`/app/forms/${key}`);
  };
  const menu = (
    <nav aria-label={t('nav.main')}>
      <Menu mode="inline" selectedKeys={[selected]} items={items} onClick={(e) => go(e.key)} />
    </nav>
  );

  return (
    <WorkspaceContext.Provider value={value}>
      <Layout className="studio-layout ws-layout">
        {!phone && (
          <Layout.Sider width={220} theme="light" className="studio-sider">
            <div className="studio-brand">
              <Logo size={26} />
              <span>{t('ws.name')}</span>
            </div>
            {menu}
          </Layout.Sider>
        )}
        {phone && (
          <Drawer open={drawer} onClose={() => setDrawer(false)} placement="left" size="default" title={t('ws.name')} styles={{ body: { padding: 0 } }}>
            {menu}
          </Drawer>
        )}
        <Layout>
          <Layout.Header className="studio-header">
            {phone && <Button type="text" icon={<MenuOutlined />} aria-label={t('ws.menu')} onClick={() => setDrawer(true)} />}
            {phone && <Logo size={22} />}
            <div className="spacer" />
            <NotificationBell onNotice={onNotice} />
            <LanguageSwitch />
            <Dropdown
              menu={{
                items: [
                  { key: 'who', label: user?.email, disabled: true },
                  { type: 'divider' },
                  { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout') },
                ],
                onClick: (e) => {
                  if (e.key === 'logout') void logout().then(() => navigate('/app/login'));
                },
              }}
            >
              <Button type="text" className="studio-user" aria-label={t('shell.account')}>
                <Avatar size="small" icon={<UserOutlined />} />
                {!phone && <span data-testid="ws-user">{user?.name || user?.email}</span>}
              </Button>
            </Dropdown>
          </Layout.Header>
          <Layout.Content className="studio-content">
            <Outlet />
          </Layout.Content>
        </Layout>
      </Layout>
    </WorkspaceContext.Provider>
  );
}
