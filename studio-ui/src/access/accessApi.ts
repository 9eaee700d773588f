// The access admin's calls: users, departments, API keys, explanations, and
// roles, which are definitions published like forms.

import { api, query, request } from '../api/client';
import { definitions } from '../api/definitions';
import type { FormDefinition } from '../api/types';
import type { RoleDefinition } from './roleModel';

export interface AdminUser {
  id: number;
  email: string;
  name: string;
  active: boolean;
  manager_id: number | null;
  locked_until?: string;
  roles: string[];
  department_ids: number[];
  attributes: Record<string, unknown>;
}

export interface AdminDepartment {
  id: number;
  name: string;
  parent_id: number | null;
  head_id: number | null;
  member_ids: number[];
}

export interface ApiKey {
  id: number;
  name: string;
  prefix: string;
  user_id: number;
  roles: string[];
  status: 'active' | 'expired' | 'revoked';
  created_at: string;
  expires_at?: string;
  last_used_at?: string;
}

export interface OutOfOffice {
  id: number;
  delegate_id: number;
  starts_at: string;
  ends_at: string;
  note: string;
}

export interface Explanation {
  user: number;
  roles: string[] | null;
  form: string;
  action: string;
  allowed: boolean;
  field?: string;
  field_level?: string;
  reasons: { role: string; grant: number; scope?: string; filter?: string; level?: string; note: string }[];
  summary: string;
  verdict: string;
}

export interface UserChange {
  email?: string;
  name?: string;
  password?: string;
  active?: boolean;
  roles?: string[];
  department_ids?: number[];
  manager_id?: number | null;
  attributes?: Record<string, unknown>;
}

const admin = '/api/v1/admin';

export const accessApi = {
  users: (q = '') => api.get<{ items: AdminUser[]; total: number }>(`${admin}/users${query({ per_page: 200, q })}`),
  createUser: (u: UserChange) => api.post<AdminUser>(`${admin}/users`, u),
  updateUser: (id: number, u: UserChange) => api.patch<AdminUser>(`${admin}/users/${id}`, u),
  outOfOffice: (id: number) => api.get<{ items: OutOfOffice[] }>(`${admin}/users/${id}/out-of-office`).then((r) => r.items),

  departments: () => api.get<{ items: AdminDepartment[] }>(`${admin}/departments`).then((r) => r.items),
  createDepartment: (d: { name: string; parent_id?: number | null }) => api.post<AdminDepartment>(`${admin}/departments`, d),
  updateDepartment: (id: number, d: { name?: string; parent_id?: number | null; head_id?: number | null }) =>
    api.patch<AdminDepartment>(`${admin}/departments/${id}`, d),
  deleteDepartment: (id: number) => api.delete<unknown>(`${admin}/departments/${id}`),

  apiKeys: () => api.get<{ items: ApiKey[] }>(`${admin}/api-keys`).then((r) => r.items),
  createApiKey: (k: { name: string; user_id: number; roles: string[]; expires_at?: string }) =>
    api.post<ApiKey & { key: string }>(`${admin}/api-keys`, k),
  revokeApiKey: (id: number) => api.delete<unknown>(`${admin}/api-keys/${id}`),

  explain: (p: { user: number; form: string; action?: string; field?: string }) =>
    api.get<Explanation>(`${admin}/explain${query(p)}`),

  /** The live text of every role, newest version of each. */
  async roles(): Promise<RoleDefinition[]> {
    const list = (await definitions.list()).filter((d) => d.kind === 'role' && d.latest_version > 0);
    const bodies = await Promise.all(list.map((d) => definitions.version('role', d.key, d.latest_version)));
    return bodies.map((b) => b.definition as unknown as RoleDefinition);
  },

  /** Published forms with their fields, for the matrix. */
  async forms(): Promise<FormDefinition[]> {
    const list = (await definitions.list()).filter((d) => d.kind === 'form' && d.latest_version > 0);
    const bodies = await Promise.all(list.map((d) => definitions.version('form', d.key, d.latest_version)));
    return bodies.map((b) => b.definition);
  },

  /** Saves a role as its draft and publishes it: effective at once. */
  async publishRole(role: RoleDefinition, baseVersion?: number) {
    await request('POST', '/api/v1/definitions', { body: role });
    return definitions.publish('role', role.key, { note: 'access admin', base_version: baseVersion });
  },

  /** Problems of a role text, without saving it (filters compile here). */
  validateRole: (role: RoleDefinition, signal?: AbortSignal) => definitions.validate('role', role.key, role, signal),
};
