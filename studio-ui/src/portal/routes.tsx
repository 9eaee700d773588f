// The customer portal, served at /portal: a customer's link (/portal/t/…)
// opens their orders, documents and service requests; an e-mailed
// invitation to sign (/sign/… → /portal/sign/…) opens the signing page.
// Every page is loaded on demand.

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';
import { RouteError } from '../shell/RouteError';
import { NotFoundPage } from '../shell/NotFoundPage';

const PortalLayout = lazy(() => import('./PortalLayout').then((m) => ({ default: m.PortalLayout })));
const PortalEntry = lazy(() => import('./PortalLayout').then((m) => ({ default: m.PortalEntry })));
const PortalOrdersPage = lazy(() => import('./PortalOrdersPage').then((m) => ({ default: m.PortalOrdersPage })));
const PortalOrderPage = lazy(() => import('./PortalOrderPage').then((m) => ({ default: m.PortalOrderPage })));
const PortalRequestsPage = lazy(() => import('./PortalRequestsPage').then((m) => ({ default: m.PortalRequestsPage })));
const PortalLoginPage = lazy(() => import('./PortalLoginPage').then((m) => ({ default: m.PortalLoginPage })));
const PortalSignPage = lazy(() => import('./PortalSignPage').then((m) => ({ default: m.PortalSignPage })));

export const portalRoutes: RouteObject[] = [
  { path: '/portal/t/*', element: page(<PortalEntry />), errorElement: <RouteError /> },
  { path: '/portal/sign/:token', element: page(<PortalSignPage />), errorElement: <RouteError /> },
  { path: '/portal/login/:portal', element: page(<PortalLoginPage />), errorElement: <RouteError /> },
  {
    path: '/portal',
    element: page(<PortalLayout />),
    errorElement: <RouteError />,
    children: [
      { index: true, element: page(<PortalOrdersPage />) },
      { path: 'orders/:form/:id', element: page(<PortalOrderPage />) },
      { path: 'requests', element: page(<PortalRequestsPage />) },
      { path: '*', element: <NotFoundPage /> },
    ],
  },
];
