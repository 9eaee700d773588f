// The app's routes. The studio lives under /studio; the workspace will live
// under /app in the same app, sharing the API client, the renderer and the
// shell. Every page but the login loads on demand, so the designers'
// libraries stay out of the first load.

import { lazy, Suspense, type ReactNode } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { LoginPage } from '../auth/LoginPage';
import { RequireAuth } from '../auth/RequireAuth';
import { StudioLayout } from '../shell/StudioLayout';
import { PageLoading } from '../shell/PageState';
import { NotFoundPage } from '../shell/NotFoundPage';
import { RouteError } from '../shell/RouteError';

const FormListPage = lazy(() => import('../designer/FormListPage').then((m) => ({ default: m.FormListPage })));
const FormDesignerPage = lazy(() => import('../designer/FormDesignerPage').then((m) => ({ default: m.FormDesignerPage })));
const NewRecordPage = lazy(() => import('../records/NewRecordPage').then((m) => ({ default: m.NewRecordPage })));
const FlowListPage = lazy(() => import('../flows/FlowListPage').then((m) => ({ default: m.FlowListPage })));
const AccessPage = lazy(() => import('../access/AccessPage').then((m) => ({ default: m.AccessPage })));
const ReportsPage = lazy(() => import('../reports/ReportsPage').then((m) => ({ default: m.ReportsPage })));

const page = (el: ReactNode) => <Suspense fallback={<PageLoading />}>{el}</Suspense>;

export const routes: RouteObject[] = [
  { path: '/', element: <Navigate to="/studio/forms" replace /> },
  { path: '/studio/login', element: <LoginPage />, errorElement: <RouteError /> },
  {
    path: '/studio',
    element: (
      <RequireAuth>
        <StudioLayout />
      </RequireAuth>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="forms" replace /> },
      { path: 'forms', element: page(<FormListPage />) },
      { path: 'forms/:key/design', element: page(<FormDesignerPage />) },
      { path: 'forms/:key/records/new', element: page(<NewRecordPage />) },
      { path: 'flows', element: page(<FlowListPage />) },
      { path: 'reports', element: page(<ReportsPage />) },
      { path: 'access', element: page(<AccessPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  { path: '*', element: <NotFoundPage /> },
];
