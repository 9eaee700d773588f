// The application as one zip: download the live definitions, and upload a
// zip to see what it would change before publishing it.

import { ApiError, request, session, toApiError } from '../api/client';
import type { PublishResult } from '../api/types';

const url = '/api/v1/definitions/archive';

export interface PlannedChange {
  file: string;
  kind: string;
  key: string;
  title: string;
  change: 'new' | 'changed' | 'unchanged';
  live_version: number;
}

/** Downloads the archive as a Blob (a plain fetch: the answer is not JSON). */
export async function downloadArchive(): Promise<Blob> {
  const token = session.token();
  let res: Response;
  try {
    res = await fetch(url, { headers: token ? { Authorization: `Bearer ${token}` } : {} });
  } catch {
    throw new ApiError(0, 'network', 'the server cannot be reached');
  }
  if (!res.ok) {
    let data: unknown;
    try {
      data = await res.json();
    } catch {
      data = undefined;
    }
    throw toApiError(res.status, data);
  }
  return res.blob();
}

function upload<T>(file: File, q: string) {
  const body = new FormData();
  body.append('file', file);
  return request<{ dry_run: boolean; items: T[] }>('POST', url + q, { body }).then((r) => r.data.items);
}

export const archive = {
  plan: (file: File) => upload<PlannedChange>(file, '?dry_run=true'),
  apply: (file: File, allowDestructive = false) => upload<PublishResult>(file, allowDestructive ? '?allow_destructive=true' : ''),
};

/** Saves a Blob under a file name, as a browser download. */
export function saveBlob(blob: Blob, name: string) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(blob);
  a.download = name;
  document.body.appendChild(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(a.href), 1000);
}

/** How many of each change a plan holds. */
export function planSummary(plan: PlannedChange[]): Record<PlannedChange['change'], number> {
  const out = { new: 0, changed: 0, unchanged: 0 };
  for (const p of plan) out[p.change]++;
  return out;
}

/** Definitions grouped by kind, in the order an application is read. */
export const kindOrder = ['form', 'flow', 'report', 'dashboard', 'role'];
export function byKind<T extends { kind: string }>(list: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const d of list) groups.set(d.kind, [...(groups.get(d.kind) ?? []), d]);
  return [...groups.entries()].sort(([a], [b]) => (kindOrder.indexOf(a) + 99) % 99 - ((kindOrder.indexOf(b) + 99) % 99) || a.localeCompare(b));
}
