// Pages load on demand, so each designer's libraries (dnd-kit, React Flow,
// ECharts) stay out of the first load.

import { Suspense, type ReactNode } from 'react';
import { PageLoading } from '../shell/PageState';

export const page = (el: ReactNode) => <Suspense fallback={<PageLoading />}>{el}</Suspense>;
