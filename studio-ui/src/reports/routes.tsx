// The report area's pages under /studio.

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';

const ReportsPage = lazy(() => import('./ReportsPage').then((m) => ({ default: m.ReportsPage })));
const ReportDesignerPage = lazy(() => import('./ReportDesignerPage').then((m) => ({ default: m.ReportDesignerPage })));
const DashboardDesignerPage = lazy(() => import('./DashboardDesignerPage').then((m) => ({ default: m.DashboardDesignerPage })));
const DashboardViewer = lazy(() => import('./DashboardViewer').then((m) => ({ default: m.DashboardViewer })));

export const reportRoutes: RouteObject[] = [
  { path: 'reports', element: page(<ReportsPage />) },
  { path: 'reports/design/:key', element: page(<ReportDesignerPage />) },
  { path: 'reports/dashboards/:key/design', element: page(<DashboardDesignerPage />) },
  // note: the published dashboard as its readers see it, for the analyst to check.
  { path: 'reports/dashboards/:key', element: page(<DashboardViewer />) },
];
