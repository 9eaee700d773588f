// Fields filled from a linked record (a field's `fill`): when the user picks
// the record, the form shows the values the server will fill, as a preview
// they may still change. Only fields this user may edit are previewed, from
// the linked record as this user may read it; the server fills the others
// (a cost hidden from a sales rep) on save.

import type { FieldDef, RecordValue } from '../api/types';
import type { RenderField } from './recordModel';

/** The editable fields among fields that fill from the relation from. */
export function fillsFrom(fields: RenderField[], from: string): FieldDef[] {
  return fields.filter((f) => f.mode === 'edit' && f.def.fill?.from === from).map((f) => f.def);
}

function isEmpty(v: unknown): boolean {
  return v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);
}

/** values with fills set from source, the linked record just picked: a
 * fill in mode "empty" only where the value is empty; a source field the
 * user may not read (absent from source) is left to the server; a value
 * the user changed since the pick (before) is theirs and stays. */
export function applyFills(values: RecordValue, fills: FieldDef[], source: RecordValue, before: RecordValue = values): RecordValue {
  const out = { ...values };
  for (const f of fills) {
    const fill = f.fill!;
    if (!(fill.field in source) || values[f.key] !== before[f.key]) continue;
    if (fill.mode === 'empty' && !isEmpty(values[f.key])) continue;
    out[f.key] = source[fill.field] ?? null;
  }
  return out;
}

/** A fill preview to run after a change: the linked record to read
 * (target, id) and how to apply it to the latest values. */
export interface FillPreview {
  target: string;
  id: number;
  apply(values: RecordValue, source: RecordValue): RecordValue;
}

/** The preview a change of field key to v asks for (values are the
 * values at the change; cell is the changed cell of a sub-table,
 * "/0/product"), or null when it fills nothing. The preview applies only
 * while the relation still holds the picked record, and leaves what the
 * user typed meanwhile. */
export function fillPreview(fields: RenderField[], values: RecordValue, key: string, v: unknown, cell = ''): FillPreview | null {
  const field = fields.find((f) => f.def.key === key);
  if (!field) return null;
  if (field.def.type !== 'sub_table') {
    const p = relationFills(fields, key, v);
    return p && { ...p, apply: (now, source) => (now[key] === v ? applyFills(now, p.fills, source, values) : now) };
  }
  const m = /^\/(\d+)\/([^/]+)$/.exec(cell);
  if (!m) return null;
  const row = Number(m[1]);
  const col = m[2];
  const pickedRow = (v as RecordValue[] | undefined)?.[row] ?? {};
  const picked = pickedRow[col];
  const p = relationFills(field.columns ?? [], col, picked);
  if (!p) return null;
  return {
    ...p,
    apply: (values, source) => {
      const rows = [...((values[key] as RecordValue[] | undefined) ?? [])];
      if (rows[row]?.[col] !== picked) return values;
      rows[row] = applyFills(rows[row], p.fills, source, pickedRow);
      return { ...values, [key]: rows };
    },
  };
}

function relationFills(fields: RenderField[], key: string, v: unknown): { target: string; id: number; fills: FieldDef[] } | null {
  const rel = fields.find((f) => f.def.key === key)?.def;
  if (rel?.type !== 'relation' || rel.multiple || !rel.target || typeof v !== 'number') return null;
  const fills = fillsFrom(fields, key);
  return fills.length ? { target: rel.target, id: v, fills } : null;
}
