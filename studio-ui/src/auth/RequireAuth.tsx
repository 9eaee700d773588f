import type { ReactNode } from 'react';
import { Navigate, useLocation } from 'react-router';
import { useAuth } from './AuthContext';
import { PageLoading } from '../shell/PageState';

/** Shows children to a signed-in user; sends anyone else to the login page. */
export function RequireAuth({ children }: { children: ReactNode }) {
  const { status } = useAuth();
  const location = useLocation();
  if (status === 'loading') return <PageLoading />;
  if (status === 'signedOut') {
    const next = location.pathname + location.search;
    // note: each area (studio, workspace) signs in on its own page.
    const area = location.pathname.startsWith('/app') ? '/app' : '/studio';
    return <Navigate to={`${area}/login?next=${encodeURIComponent(next)}`} replace />;
  }
  return <>{children}</>;
}
