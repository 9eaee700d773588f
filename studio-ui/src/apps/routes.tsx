// The application list's pages under /studio.

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';

const AppsPage = lazy(() => import('./AppsPage').then((m) => ({ default: m.AppsPage })));

export const appRoutes: RouteObject[] = [{ path: 'apps', element: page(<AppsPage />) }];
