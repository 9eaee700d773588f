// The dashboards as end users read them, mounted by the workspace's layout
// under /app (paths relative to it).

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';

const DashboardListPage = lazy(() => import('./DashboardListPage').then((m) => ({ default: m.DashboardListPage })));
const DashboardViewer = lazy(() => import('./DashboardViewer').then((m) => ({ default: m.DashboardViewer })));

export const dashboardWorkspaceRoutes: RouteObject[] = [
  { path: 'dashboards', element: page(<DashboardListPage />) },
  { path: 'dashboards/:key', element: page(<DashboardViewer />) },
];
