// The flow area's pages under /studio.

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';

const FlowListPage = lazy(() => import('./FlowListPage').then((m) => ({ default: m.FlowListPage })));
const FlowDesignerPage = lazy(() => import('./FlowDesignerPage').then((m) => ({ default: m.FlowDesignerPage })));

export const flowRoutes: RouteObject[] = [
  { path: 'flows', element: page(<FlowListPage />) },
  { path: 'flows/:key/design', element: page(<FlowDesignerPage />) },
];
