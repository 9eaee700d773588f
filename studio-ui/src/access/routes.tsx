// The access admin's pages under /studio.

import { lazy } from 'react';
import type { RouteObject } from 'react-router';
import { page } from '../app/lazyPage';

const AccessPage = lazy(() => import('./AccessPage').then((m) => ({ default: m.AccessPage })));

export const accessRoutes: RouteObject[] = [{ path: 'access', element: page(<AccessPage />) }];
