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
 * user may not read (absent from source) is left to the server. */
export function applyFills(values: RecordValue, fills: FieldDef[], source: RecordValue): RecordValue {
  const out = { ...values };
  for (const f of fills) {
    const fill = f.fill!;
    if (!(fill.field in source)) continue;
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

/** The preview a change of field key to v asks for (cell is the changed
 * cell of a sub-table, "/0/product"), or null when it fills nothing. The
 * preview applies only while the relation still holds the picked record. */
export function fillPreview(fields: RenderField[], key: string, v: unknown, cell = ''): FillPreview | null {
  const field = fields.find((f) => f.def.key === key);
  if (!field) return null;
  if (field.def.type !== 'sub_table') {
    const p = relationFills(fields, key, v);
    return p && { ...p, apply: (values, source) => (values[key] === v ? applyFills(values, p.fills, source) : values) };
  }
  const m = /^\/(\d+)\/([^/]+)$/.exec(cell);
  if (!m) return null;
  const row = Number(m[1]);
  const col = m[2];
  const picked = (v as RecordValue[] | undefined)?.[row]?.[col];
  const p = relationFills(field.columns ?? [], col, picked);
  if (!p) return null;
  return {
    ...p,
    apply: (values, source) => {
      const rows = [...((values[key] as RecordValue[] | undefined) ?? [])];
      if (rows[row]?.[col] !== picked) return values;
      rows[row] = applyFills(rows[row], p.fills, source);
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
