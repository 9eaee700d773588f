// Definition lifecycle: drafts (with their ETag), validation, diff, publish,
// versions and rollback.

import { api, request } from './client';
import type {
  DefinitionInfo,
  DefinitionVersion,
  DefinitionVersionDetail,
  Diff,
  DraftSaved,
  FormDefinition,
  PublishResult,
  ValidationResult,
} from './types';

const base = '/api/v1/definitions';
const one = (kind: string, key: string) => `${base}/${encodeURIComponent(kind)}/${encodeURIComponent(key)}`;

/** How a save expects to find the draft: as read (its tag), or absent. */
export type DraftBase = { tag: string } | { none: true } | null;

export const definitions = {
  list: () => api.get<{ items: DefinitionInfo[] }>(base).then((r) => r.items),

  /** The saved draft and its tag. */
  async draft<T = FormDefinition>(kind: string, key: string): Promise<{ body: T; tag: string }> {
    const r = await request<T>('GET', `${one(kind, key)}/draft`);
    return { body: r.data, tag: r.headers.get('ETag') ?? '' };
  },

  /** Saves body as the draft, refusing (409) if someone saved since `since`. */
  async save(body: FormDefinition | { kind: string; key: string }, since: DraftBase): Promise<{ saved: DraftSaved; tag: string }> {
    const headers: Record<string, string> = {};
    if (since && 'tag' in since && since.tag) headers['If-Match'] = since.tag;
    if (since && 'none' in since) headers['If-None-Match'] = '*';
    const r = await request<DraftSaved>('POST', base, { body, headers });
    return { saved: r.data, tag: r.headers.get('ETag') ?? '' };
  },

  /** Checks a text without saving it. */
  validate: (kind: string, key: string, body: unknown, signal?: AbortSignal) =>
    api.post<ValidationResult>(`${one(kind, key)}/validate`, body, { signal }),

  diff: (kind: string, key: string) => api.get<Diff>(`${one(kind, key)}/diff`),

  publish: (kind: string, key: string, opts: { note?: string; allow_destructive?: boolean; base_version?: number }) =>
    api.post<PublishResult>(`${one(kind, key)}/publish`, opts),

  rollback: (kind: string, key: string, opts: { version: number; base_version?: number; allow_destructive?: boolean; note?: string }) =>
    api.post<PublishResult>(`${one(kind, key)}/rollback`, opts),

  versions: (kind: string, key: string) =>
    api.get<{ items: DefinitionVersion[] }>(`${one(kind, key)}/versions`).then((r) => r.items),

  version: <T = FormDefinition>(kind: string, key: string, v: number) =>
    api.get<DefinitionVersionDetail<T>>(`${one(kind, key)}/versions/${v}`),

  /** The JSON Schema of a kind, as the server validates with it. */
  schema: (kind: string) => api.get<Record<string, unknown>>(`/api/v1/schemas/${encodeURIComponent(kind)}`),
};
