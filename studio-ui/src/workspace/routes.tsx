// The workspace, served at /app: the end users' forms, lists, records, inbox
// and dashboards. A route tree of its own beside the studio's; every page
// loads on demand.

import { lazy } from 'react';
import { Navigate, type RouteObject } from 'react-router';
import { LoginPage } from '../auth/LoginPage';
import { RequireAuth } from '../auth/RequireAuth';
import { NotFoundPage } from '../shell/NotFoundPage';
import { RouteError } from '../shell/RouteError';
import { page } from '../app/lazyPage';
import { dashboardWorkspaceRoutes } from '../reports/workspaceRoutes';
import { PhoneReady } from './PhoneReady';

const WorkspaceLayout = lazy(() => import('./WorkspaceLayout').then((m) => ({ default: m.WorkspaceLayout })));
const InboxPage = lazy(() => import('./InboxPage').then((m) => ({ default: m.InboxPage })));
const TaskPage = lazy(() => import('./TaskPage').then((m) => ({ default: m.TaskPage })));
const RecordListPage = lazy(() => import('./RecordListPage').then((m) => ({ default: m.RecordListPage })));
const RecordEditPage = lazy(() => import('./RecordEditPage').then((m) => ({ default: m.RecordEditPage })));
const RecordPage = lazy(() => import('./RecordPage').then((m) => ({ default: m.RecordPage })));
const AwayPage = lazy(() => import('./AwayPage').then((m) => ({ default: m.AwayPage })));

export const workspaceRoutes: RouteObject[] = [
  { path: '/app/login', element: (
      <PhoneReady>
        <LoginPage area="app" />
      </PhoneReady>
    ), errorElement: <RouteError /> },
  {
    path: '/app',
    element: (
      <PhoneReady>
        <RequireAuth>{page(<WorkspaceLayout />)}</RequireAuth>
      </PhoneReady>
    ),
    errorElement: <RouteError />,
    children: [
      { index: true, element: <Navigate to="inbox" replace /> },
      { path: 'inbox', element: page(<InboxPage />) },
      { path: 'inbox/:task', element: page(<TaskPage />) },
      { path: 'settings', element: page(<AwayPage />) },
      { path: 'forms/:form', element: page(<RecordListPage />) },
      { path: 'forms/:form/new', element: page(<RecordEditPage />) },
      { path: 'forms/:form/:id', element: page(<RecordPage />) },
      { path: 'forms/:form/:id/edit', element: page(<RecordEditPage />) },
      ...dashboardWorkspaceRoutes,
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
