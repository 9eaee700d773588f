// What every workspace page may need of its frame: the forms the user may
// use, their permissions, and the inbox counts (refreshed on new notices).

import { createContext, useContext } from 'react';
import type { FormSummary } from '../api/types';
import type { FormPermissions } from './api';

export interface Workspace {
  forms: FormSummary[];
  permissions: Record<string, FormPermissions>;
  counts: Record<string, number>;
  refreshCounts(): void;
  /** Bumped on every new notice, so open pages can reload. */
  pulse: number;
}

export const WorkspaceContext = createContext<Workspace>({ forms: [], permissions: {}, counts: {}, refreshCounts: () => {}, pulse: 0 });

export const useWorkspace = () => useContext(WorkspaceContext);

/** Whether p lets the user do action on its form. */
export const can = (p: FormPermissions | undefined, action: string) => !!p?.actions.includes(action);
