// Turns any failure into what the user reads: a title in their language
// (by the error's code), the server's sentence, and the problems by place.

import { ApiError, type ErrorDetail } from '../api/client';
import type { MessageKey } from '../i18n';

const titles: Record<string, MessageKey> = {
  network: 'error.network',
  unauthorized: 'error.unauthorized',
  locked: 'error.locked',
  forbidden: 'error.forbidden',
  not_found: 'error.notFound',
  conflict: 'error.conflict',
  validation_failed: 'error.validation',
  bad_request: 'error.badRequest',
  invalid_query: 'error.badRequest',
  too_large: 'error.tooLarge',
  too_many_requests: 'error.tooMany',
  internal_error: 'error.internal',
};

export interface Described {
  title: MessageKey;
  message: string;
  details: ErrorDetail[];
  status: number;
}

export function describeError(e: unknown): Described {
  if (e instanceof ApiError) {
    return { title: titles[e.code] ?? 'error.generic', message: e.message, details: e.details, status: e.status };
  }
  return { title: 'error.generic', message: e instanceof Error ? e.message : String(e), details: [], status: 0 };
}

/** "/items/0/qty" → ["items", "0", "qty"] (JSON pointer, unescaped). */
export function pointerParts(path: string): string[] {
  if (!path || path === '/') return [];
  return path
    .replace(/^\//, '')
    .split('/')
    .map((p) => p.replace(/~1/g, '/').replace(/~0/g, '~'));
}

/** Splits an error's details into those a form shows on its fields (by
 * path) and the rest. known says which paths the form has. */
export function splitDetails(details: ErrorDetail[], known: (path: string) => boolean) {
  const onFields: Record<string, string> = {};
  const rest: ErrorDetail[] = [];
  for (const d of details) {
    if (d.path && known(d.path)) onFields[d.path] = onFields[d.path] ? `${onFields[d.path]}; ${d.message}` : d.message;
    else rest.push(d);
  }
  return { onFields, rest };
}
