// Editing a stored record: the values the form starts from, and the body
// of the PATCH that saves it. Only what the user changed is sent, so a
// field they may not write (or that a rule locks) is never touched by
// accident, and a cleared field is sent as null rather than left out.

import type { FieldDef, RecordValue } from '../api/types';
import { toPayload, type RenderField } from './recordModel';

/** The values a stored record gives the form: its fields as read. */
export function editValues(fields: FieldDef[], rec: RecordValue): RecordValue {
  const out: RecordValue = {};
  for (const f of fields) {
    const v = rec[f.key];
    if (f.type === 'sub_table') out[f.key] = Array.isArray(v) ? v : [];
    else if (v !== undefined) out[f.key] = v;
  }
  return out;
}

/** An attachment list as the API takes it: the files' ids. */
function fileIDs(v: unknown): unknown {
  if (!Array.isArray(v)) return v;
  return v.map((x) => (x && typeof x === 'object' && 'id' in x ? (x as { id: unknown }).id : x));
}

/** The value of one field as a request would carry it; undefined when empty. */
function sent(f: RenderField, v: unknown): unknown {
  if (f.def.type === 'sub_table') {
    // note: toPayload sends a stored row back with its id, so the server
    // starts it from the stored row and keeps the columns this user cannot see.
    return Array.isArray(v) && v.length > 0 ? toPayload([f], { [f.def.key]: v }, {})[f.def.key] : [];
  }
  const raw = f.def.type === 'attachment' ? fileIDs(v) : v;
  return toPayload([f], { [f.def.key]: raw }, {})[f.def.key];
}

/** The body of the update: each writable, shown field whose value differs
 * from what was read; null for one the user emptied. */
export function changedPayload(fields: RenderField[], values: RecordValue, original: RecordValue, shown: Record<string, boolean>): RecordValue {
  const out: RecordValue = {};
  for (const f of fields) {
    const k = f.def.key;
    if (f.mode !== 'edit' || shown[k] === false) continue;
    const now = sent(f, values[k]);
    if (JSON.stringify(now) === JSON.stringify(sent(f, original[k]))) continue;
    out[k] = now === undefined ? null : now;
  }
  return out;
}
