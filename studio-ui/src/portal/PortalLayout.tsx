// The portal's frame: the application's branding (name, logo, colours from
// the portal definition), the language switch and the customer's pages.
// Everything inside reads the home through usePortal().

import { createContext, useCallback, useContext, useEffect, useState } from 'react';
import { ConfigProvider, Result, Segmented } from 'antd';
import { AppstoreOutlined, CustomerServiceOutlined } from '@ant-design/icons';
import { Outlet, useLocation, useNavigate } from 'react-router';
import { ApiError } from '../api/client';
import { useI18n } from '../i18n';
import { LanguageSwitch } from '../shell/LanguageSwitch';
import { PageError, PageLoading } from '../shell/PageState';
import { portalApi, portalToken, type Branding, type PortalHome } from './api';
import { local } from './tracker';
import './portal.css';

const PortalContext = createContext<PortalHome | null>(null);

/** The portal's home: branding, customer, tracked forms, service form. */
export function usePortal(): PortalHome {
  const home = useContext(PortalContext);
  if (!home) throw new Error('usePortal outside the portal layout');
  return home;
}

/** The portal's look: Ant Design's theme and the header in its colours. */
export function BrandTheme({ branding, children }: { branding: Branding; children: React.ReactNode }) {
  const primary = branding.primary || '#1677ff';
  return (
    <ConfigProvider theme={{ token: { colorPrimary: primary, colorLink: branding.accent || primary } }}>
      <div
        className="portal"
        style={{ ['--portal-primary' as string]: primary, ['--portal-accent' as string]: branding.accent || primary }}
      >
        {children}
      </div>
    </ConfigProvider>
  );
}

export function BrandHeader({ branding, who }: { branding: Branding; who?: string }) {
  const { lang } = useI18n();
  const name = local(branding.name, lang);
  return (
    <header className="portal-header">
      <div className="portal-brand">
        {branding.logo_url ? (
          <img src={branding.logo_url} alt="" className="portal-logo" />
        ) : (
          <span className="portal-logo portal-logo-letter" aria-hidden>
            {name.slice(0, 1)}
          </span>
        )}
        <span className="portal-name" data-testid="portal-name">
          {name}
        </span>
      </div>
      <div className="portal-header-end">
        {who && <span className="portal-who">{who}</span>}
        <LanguageSwitch />
      </div>
    </header>
  );
}

export function PortalLayout() {
  const { t } = useI18n();
  const [home, setHome] = useState<PortalHome | null>(null);
  const [error, setError] = useState<unknown>(null);
  const navigate = useNavigate();
  const { pathname } = useLocation();
  const load = useCallback(() => {
    setError(null);
    if (!portalToken.get()) {
      setError(new ApiError(401, 'unauthorized', ''));
      return;
    }
    portalApi.home().then(setHome, setError);
  }, []);
  useEffect(load, [load]);

  if (error instanceof ApiError && (error.status === 401 || error.status === 403)) {
    return (
      <div className="portal portal-denied">
        <Result status="403" title={t('portal.linkInvalid')} subTitle={error.status === 403 ? error.message : t('portal.openYourLink')} />
      </div>
    );
  }
  if (error) return <PageError error={error} onRetry={load} />;
  if (!home) return <PageLoading />;
  const section = pathname.startsWith('/portal/requests') ? 'requests' : 'orders';
  return (
    <PortalContext.Provider value={home}>
      <BrandTheme branding={home.branding}>
        <BrandHeader branding={home.branding} who={home.customer.name} />
        <nav className="portal-nav">
          <Segmented
            block
            value={section}
            onChange={(v) => navigate(v === 'requests' ? '/portal/requests' : '/portal')}
            options={[
              { value: 'orders', label: t('portal.orders'), icon: <AppstoreOutlined /> },
              ...(home.service ? [{ value: 'requests', label: t('portal.requests'), icon: <CustomerServiceOutlined /> }] : []),
            ]}
          />
        </nav>
        <main className="portal-main">
          <Outlet />
        </main>
      </BrandTheme>
    </PortalContext.Provider>
  );
}

/** /portal/t/<token>: keeps the link's token for the tab and opens the portal. */
export function PortalEntry() {
  const { pathname } = useLocation();
  const navigate = useNavigate();
  useEffect(() => {
    const tok = decodeURIComponent(pathname.replace(/^\/portal\/t\//, ''));
    if (tok) portalToken.set(tok);
    navigate('/portal', { replace: true });
  }, [pathname, navigate]);
  return <PageLoading />;
}
