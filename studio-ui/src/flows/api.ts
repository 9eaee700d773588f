// What the flow designer asks the server besides the definitions API: a dry
// run of the saved draft, and the roles and flows assignees and sub-flows
// name.

import { api } from '../api/client';
import { definitions } from '../api/definitions';

export interface UserRef {
  id: number;
  name: string;
  email: string;
}

export interface DryRunValue {
  name: string;
  value: unknown;
}

export interface DryRunStep {
  node: string;
  type: string;
  title?: string;
  condition?: string;
  default?: boolean;
  values?: DryRunValue[];
  mode?: string;
  assignees?: number[];
  assignee_users?: UserRef[];
  self_approval_removed?: boolean;
  fallback?: boolean;
  effects?: { action: string; form?: string; to?: number[]; message?: string; url?: string; set?: DryRunValue[] }[];
  detail?: string;
  next?: string[];
  warning?: string;
  error?: string;
}

export interface DryRun {
  flow: string;
  version: number;
  steps: DryRunStep[];
  outcome?: string;
  stopped?: string;
  draft: boolean;
  record?: number;
  submitter: UserRef | null;
  users: UserRef[];
}

export const flowAPI = {
  /** Walks the saved draft (else the live version) over a stored record. */
  dryRun: (key: string, record: number) => api.post<DryRun>(`/api/v1/definitions/flow/${encodeURIComponent(key)}/dryrun`, { record }),

  /** The keys and titles of the role and flow definitions. */
  async named(kind: 'role' | 'flow'): Promise<{ key: string; title: string }[]> {
    return (await definitions.list()).filter((d) => d.kind === kind).map((d) => ({ key: d.key, title: d.title }));
  },
};
