// What the workspace asks of the server beyond the renderer's calls:
// permissions, tasks, flow timelines, audit, notifications and people.

import { api, query } from '../api/client';
import type { RecordValue } from '../api/types';

const formURL = (form: string) => `/api/v1/forms/${encodeURIComponent(form)}`;

export type Level = 'hidden' | 'read' | 'write';

export interface FormPermissions {
  form: string;
  actions: string[];
  fields: Record<string, Level>;
}

export interface UserRef {
  id: number;
  name: string;
  email: string;
}

export interface Task {
  id: number;
  instance_id: number;
  node: string;
  node_title: string;
  assignee_id: number;
  state: string;
  kind?: string;
  created_at: string;
  decided_at?: string | null;
  comment: string;
  version: number;
  flow: string;
  flow_title: string;
  form: string;
  record_id: number;
  instance_state: string;
  assignee: UserRef | null;
  decided_by_user?: UserRef;
  submitter: UserRef | null;
  changes?: Record<string, unknown> | null;
}

export interface Step {
  id: number;
  node: string;
  node_title: string;
  kind: string;
  at: string;
  comment: string;
  actor: UserRef | null;
  task_id?: number;
  data?: Record<string, unknown> | null;
}

export interface Instance {
  id: number;
  flow: string;
  flow_title: string;
  form: string;
  record_id: number;
  state: string;
  started_at: string;
  ended_at: string | null;
  submitter: UserRef | null;
  submitter_id: number;
  current: { node: string; state: string }[];
  tasks?: Task[];
  steps?: Step[];
}

export interface Inbox {
  items: Task[];
  page: number;
  per_page: number;
  total: number;
  counts: Record<string, number>;
}

export interface TaskDetail {
  task: Task;
  instance: Instance;
  record: RecordValue;
  visible: string[];
  editable: string[];
  mode: string;
  reject_comment_required: boolean;
}

export interface AuditEntry {
  id: number;
  at: string;
  actor_id: number;
  action: string;
  summary: string;
  changes: Record<string, { before?: unknown; after?: unknown }> | null;
}

export interface Notice {
  id: number;
  kind: 'task' | 'cc' | 'urge' | 'decision';
  state?: string;
  form: string;
  record_id: number;
  instance_id: number;
  task_id: number;
  node: string;
  created_at: string;
  read_at: string | null;
}

/** A "create from" action on a form's records (GET …/conversions). */
export interface Conversion {
  key: string;
  title?: string;
  from: string;
  target: string;
  /** A condition on the source record; the server refuses while it is false. */
  when?: string;
}

/** A document template of a form (GET …/documents). */
export interface DocumentTemplate {
  key: string;
  title: string;
  form: string;
}

/** A stored file, as upload and document generation answer. */
export interface StoredFile {
  id: string;
  name: string;
  size?: number;
  type?: string;
}

export interface Person {
  id: number;
  name: string;
}

export interface OutOfOffice {
  id: number;
  delegate_id: number;
  starts_at: string;
  ends_at: string;
}

export const ws = {
  permissions: () =>
    api.get<{ user_id: number; roles: string[]; items: FormPermissions[] }>('/api/v1/me/permissions').then((r) => r.items),

  inbox: (state: string, page = 1, perPage = 20) => api.get<Inbox>(`/api/v1/tasks${query({ state, page, per_page: perPage })}`),
  submissions: (page = 1, perPage = 20) =>
    api.get<{ items: Instance[]; page: number; per_page: number; total: number }>(`/api/v1/me/submissions${query({ page, per_page: perPage })}`),
  task: (id: number) => api.get<TaskDetail>(`/api/v1/tasks/${id}`),
  decide: (id: number, body: { decision: 'approve' | 'reject'; comment?: string; changes?: RecordValue; version?: number }) =>
    api.post<Task>(`/api/v1/tasks/${id}/decide`, body),
  act: (id: number, action: 'return' | 'transfer' | 'delegate' | 'signers' | 'comments', body: Record<string, unknown>) =>
    api.post<unknown>(`/api/v1/tasks/${id}/${action}`, body),

  recordFlows: (form: string, id: number) => api.get<{ items: Instance[] }>(`${formURL(form)}/records/${id}/flows`).then((r) => r.items),
  instance: (id: number) => api.get<Instance>(`/api/v1/flows/instances/${id}`),
  submit: (form: string, id: number) => api.post<Instance>(`${formURL(form)}/records/${id}/submit`, {}),
  withdraw: (id: number, comment: string) => api.post<Instance>(`/api/v1/flows/instances/${id}/withdraw`, { comment }),
  urge: (id: number, comment: string) => api.post<unknown>(`/api/v1/flows/instances/${id}/urge`, { comment }),
  comment: (id: number, comment: string) => api.post<unknown>(`/api/v1/flows/instances/${id}/comments`, { comment }),
  audit: (form: string, id: number) => api.get<{ items: AuditEntry[] }>(`${formURL(form)}/records/${id}/audit`).then((r) => r.items),
  remove: (form: string, id: number, version: number) =>
    api.delete<unknown>(`${formURL(form)}/records/${id}`, { headers: { 'If-Match': String(version) } }),

  conversions: (form: string) => api.get<{ conversions: Conversion[] }>(`${formURL(form)}/conversions`).then((r) => r.conversions),
  convert: (form: string, id: number, conversion: string) =>
    api.post<RecordValue>(`${formURL(form)}/records/${id}/convert/${encodeURIComponent(conversion)}`, {}),
  documents: (form: string) => api.get<{ documents: DocumentTemplate[] }>(`${formURL(form)}/documents`).then((r) => r.documents),
  generate: (form: string, id: number, template: string) =>
    api.post<StoredFile>(`${formURL(form)}/records/${id}/documents/${encodeURIComponent(template)}`, {}),

  notices: () => api.get<{ items: Notice[]; unread: number }>('/api/v1/me/notifications?limit=20'),
  readNotices: (ids: number[] | 'all') =>
    api.post<{ unread: number }>('/api/v1/me/notifications/read', ids === 'all' ? { all: true } : { ids }),

  people: (q: string) => api.get<{ items: Person[] }>(`/api/v1/people${query({ q, limit: 20 })}`).then((r) => r.items),
  peopleByID: (ids: number[]) =>
    ids.length ? api.get<{ items: Person[] }>(`/api/v1/people${query({ ids: ids.join(',') })}`).then((r) => r.items) : Promise.resolve([]),

  away: () => api.get<{ items: OutOfOffice[] }>('/api/v1/me/out-of-office').then((r) => r.items),
  addAway: (body: { delegate_id: number; starts_at?: string; ends_at: string }) => api.post<OutOfOffice>('/api/v1/me/out-of-office', body),
  removeAway: (id: number) => api.delete<unknown>(`/api/v1/me/out-of-office/${id}`),
};
