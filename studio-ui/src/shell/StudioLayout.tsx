import { useState } from 'react';
import { Avatar, Button, Dropdown, Layout, Menu, Tooltip } from 'antd';
import {
  ApartmentOutlined,
  AppstoreOutlined,
  BarChartOutlined,
  FormOutlined,
  LogoutOutlined,
  MenuFoldOutlined,
  MenuUnfoldOutlined,
  SafetyOutlined,
  UserOutlined,
} from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { useAuth } from '../auth/AuthContext';
import { LanguageSwitch } from './LanguageSwitch';
import { Logo } from './Logo';

const sections = ['forms', 'flows', 'reports', 'access', 'apps'] as const;

/** The studio's frame: navigation on the left, the page on the right. The
 * navigation folds away on the designers, which need the width. */
export function StudioLayout() {
  const { t } = useI18n();
  const { user, logout } = useAuth();
  const location = useLocation();
  const navigate = useNavigate();
  const designing = /\/design$/.test(location.pathname);
  const [folded, setFolded] = useState<boolean | null>(null);
  const collapsed = folded ?? designing;
  const current = sections.find((s) => location.pathname.startsWith(`/studio/${s}`)) ?? 'forms';

  const items = [
    { key: 'forms', icon: <FormOutlined />, label: t('nav.forms') },
    { key: 'flows', icon: <ApartmentOutlined />, label: t('nav.flows') },
    { key: 'reports', icon: <BarChartOutlined />, label: t('nav.reports') },
    { key: 'access', icon: <SafetyOutlined />, label: t('nav.access') },
    { key: 'apps', icon: <AppstoreOutlined />, label: t('apps.nav') },
  ];

  return (
    <Layout className="studio-layout">
      <Layout.Sider width={200} collapsedWidth={56} collapsed={collapsed} theme="light" className="studio-sider" trigger={null}>
        <div className="studio-brand" title={t('app.name')}>
          <Logo size={26} />
          {!collapsed && <span>{t('app.name')}</span>}
        </div>
        <nav aria-label={t('nav.main')}>
          <Menu mode="inline" selectedKeys={[current]} items={items} onClick={(e) => navigate(`/studio/${e.key}`)} />
        </nav>
      </Layout.Sider>
      <Layout>
        <Layout.Header className="studio-header">
          <Tooltip title={collapsed ? t('nav.expand') : t('nav.collapse')}>
            <Button
              type="text"
              aria-label={collapsed ? t('nav.expand') : t('nav.collapse')}
              icon={collapsed ? <MenuUnfoldOutlined /> : <MenuFoldOutlined />}
              onClick={() => setFolded(!collapsed)}
            />
          </Tooltip>
          <div className="spacer" />
          <LanguageSwitch />
          <Dropdown
            menu={{
              items: [
                { key: 'who', label: user?.email, disabled: true },
                { type: 'divider' },
                { key: 'logout', icon: <LogoutOutlined />, label: t('shell.logout') },
              ],
              onClick: (e) => {
                if (e.key === 'logout') void logout().then(() => navigate('/studio/login'));
              },
            }}
          >
            <Button type="text" className="studio-user" aria-label={t('shell.account')}>
              <Avatar size="small" icon={<UserOutlined />} />
              <span>{user?.name || user?.email}</span>
            </Button>
          </Dropdown>
        </Layout.Header>
        <Layout.Content className="studio-content">
          <Outlet />
        </Layout.Content>
      </Layout>
    </Layout>
  );
}
