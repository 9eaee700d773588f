// A failed save's problems, split into those a generated form shows on its
// fields (by JSON pointer) and the rest.

import { ApiError, type ErrorDetail } from '../api/client';
import { splitDetails } from '../shell/errors';
import type { RenderField } from './recordModel';

export function fieldProblems(fields: RenderField[], e: unknown): { onFields: Record<string, string>; rest: ErrorDetail[] } {
  if (!(e instanceof ApiError)) return { onFields: {}, rest: [] };
  const keys = fields.map((f) => f.def.key);
  return splitDetails(e.details, (p) => keys.some((k) => p === `/${k}` || p.startsWith(`/${k}/`)));
}
