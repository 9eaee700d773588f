// The app's routes: the studio under /studio, the workspace under /app and
// the portal under /portal, one app sharing the API client, the renderer and
// the shell. Each area keeps its own route list beside its pages.

import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { LoginPage } from '../auth/LoginPage';
import { RequireAuth } from '../auth/RequireAuth';
import { StudioLayout } from '../shell/StudioLayout';
import { NotFoundPage } from '../shell/NotFoundPage';
import { RouteError } from '../shell/RouteError';
import { page } from './lazyPage';
import { flowRoutes } from '../flows/routes';
import { reportRoutes } from '../reports/routes';
import { accessRoutes } from '../access/routes';
import { appRoutes } from '../apps/routes';
import { workspaceRoutes } from '../workspace/routes';
import { portalRoutes } from '../portal/routes';

const FormListPage = lazy(() => import('../designer/FormListPage').then((m) => ({ default: m.FormListPage })));
const FormDesignerPage = lazy(() => import('../designer/FormDesignerPage').then((m) => ({ default: m.FormDesignerPage })));
const NewRecordPage = lazy(() => import('../records/NewRecordPage').then((m) => ({ default: m.NewRecordPage })));

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
      ...flowRoutes,
      ...reportRoutes,
      ...accessRoutes,
      ...appRoutes,
      { path: '*', element: <NotFoundPage /> },
    ],
  },
  ...workspaceRoutes,
  ...portalRoutes,
  { path: '*', element: <NotFoundPage /> },
];
