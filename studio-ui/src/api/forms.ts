// Published forms, their records and the people a record can name.

import { api, query } from './client';
import type { Department, FormDetail, FormSummary, RecordPage, RecordValue, User } from './types';

const formURL = (form: string) => `/api/v1/forms/${encodeURIComponent(form)}`;

export const forms = {
  list: () => api.get<{ items: FormSummary[] }>('/api/v1/forms').then((r) => r.items),
  get: (form: string) => api.get<FormDetail>(formURL(form)),

  records: (form: string, q: { filter?: string; sort?: string; page?: number; per_page?: number; fields?: string } = {}) =>
    api.get<RecordPage>(`${formURL(form)}/records${query(q)}`),
  record: (form: string, id: number) => api.get<RecordValue>(`${formURL(form)}/records/${id}`),
  create: (form: string, values: RecordValue) => api.post<RecordValue>(`${formURL(form)}/records`, values),
  /** Changes the fields in values of a record read at row version; a 409
   * says someone else saved it since. */
  update: (form: string, id: number, values: RecordValue, version: number) =>
    api.patch<RecordValue>(`${formURL(form)}/records/${id}`, values, { headers: { 'If-Match': `"${version}"` } }),

  /** Uploads one file for an attachment field; resolves with its id. */
  upload: (form: string, file: File) => {
    const body = new FormData();
    body.append('file', file);
    return api.post<{ id: string; name: string; size: number }>(`${formURL(form)}/files`, body);
  },
};

export const people = {
  /** Users with their e-mail and roles: admins only. */
  users: (q: string) => api.get<{ items: User[] }>(`/api/v1/admin/users${query({ q, per_page: 20 })}`).then((r) => r.items),
  /** Names and ids of active users matching q: anyone signed in, for pickers. */
  find: (q: string) => api.get<{ items: Person[] }>(`/api/v1/people${query({ q, limit: 20 })}`).then((r) => r.items),
  /** Names of the users with these ids. */
  named: (ids: number[]) => api.get<{ items: Person[] }>(`/api/v1/people${query({ ids: ids.join(',') })}`).then((r) => r.items),
  departments: () => api.get<{ items: Department[] }>('/api/v1/people/departments').then((r) => r.items),
};

/** What any signed-in user may know of another. */
export interface Person {
  id: number;
  name: string;
}
