// The field types the palette offers and what each one can be set to. The
// list of types comes from the server's form schema; what is known here is
// only how to group and describe them.

import type { FieldDef } from '../api/types';

export type TypeGroup = 'basic' | 'number' | 'choice' | 'link' | 'advanced';

const groups: Record<string, TypeGroup> = {
  text: 'basic',
  long_text: 'basic',
  email: 'basic',
  phone: 'basic',
  url: 'basic',
  boolean: 'basic',
  date: 'basic',
  datetime: 'basic',
  integer: 'number',
  decimal: 'number',
  money: 'number',
  percent: 'number',
  select: 'choice',
  multi_select: 'choice',
  relation: 'link',
  user: 'link',
  department: 'link',
  attachment: 'link',
  sub_table: 'advanced',
  formula: 'advanced',
  auto_number: 'advanced',
};

export const groupOrder: TypeGroup[] = ['basic', 'number', 'choice', 'link', 'advanced'];

export function groupOf(type: string): TypeGroup {
  return groups[type] ?? 'advanced';
}

/** The field types of the server's form schema (GET /api/v1/schemas/form). */
export function typesFromSchema(schema: unknown): string[] {
  const e = (schema as { $defs?: { field?: { properties?: { type?: { enum?: unknown } } } } })?.$defs?.field?.properties?.type
    ?.enum;
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
}

/** The types a formula may compute, from the same schema. */
export function formulaResultsFromSchema(schema: unknown): string[] {
  const e = (schema as { $defs?: { field?: { properties?: { result?: { enum?: unknown } } } } })?.$defs?.field?.properties
    ?.result?.enum;
  return Array.isArray(e) ? e.filter((x): x is string => typeof x === 'string') : [];
}

export type Setting =
  | 'required'
  | 'read_only'
  | 'unique'
  | 'index'
  | 'default'
  | 'range'
  | 'length'
  | 'pattern'
  | 'scale'
  | 'currency'
  | 'options'
  | 'target'
  | 'multiple'
  | 'columns'
  | 'formula'
  | 'format'
  | 'attachment'
  | 'fill';

const numeric = new Set(['integer', 'decimal', 'money', 'percent']);
const textual = new Set(['text', 'long_text', 'email', 'phone', 'url']);

export function isNumeric(type: string): boolean {
  return numeric.has(type);
}

/** The settings the properties panel offers for a field of type. */
export function settingsFor(type: string, inSubTable = false): Set<Setting> {
  const s = new Set<Setting>();
  const computed = type === 'formula' || type === 'auto_number';
  if (!computed) s.add('required').add('read_only').add('default');
  if (!inSubTable && !computed && type !== 'sub_table' && type !== 'attachment' && type !== 'long_text') s.add('index');
  if (!inSubTable && (textual.has(type) || type === 'integer' || type === 'auto_number') && type !== 'long_text') s.add('unique');
  if (numeric.has(type)) s.add('range');
  if (type === 'decimal' || type === 'money' || type === 'percent') s.add('scale');
  if (type === 'money') s.add('currency');
  if (textual.has(type)) s.add('length');
  if (type === 'text' || type === 'long_text') s.add('pattern');
  if (type === 'select' || type === 'multi_select') s.add('options');
  if (type === 'relation') s.add('target').add('multiple');
  if (type === 'sub_table') s.add('columns');
  if (type === 'formula') s.add('formula');
  if (type === 'auto_number') s.add('format');
  if (type === 'attachment') s.add('attachment');
  if (type === 'sub_table' || type === 'attachment' || computed) s.delete('default');
  // note: computed values and files cannot be filled from a linked record.
  else s.add('fill');
  return s;
}

/** Whether a field of type may be a column of a sub-table. */
export function allowedInSubTable(type: string): boolean {
  return type !== 'sub_table' && type !== 'auto_number' && type !== 'attachment';
}

/** The settings a new field of type starts with, so it is valid at once
 * where it can be: two options for a select, a column for a sub-table. */
export function defaultsFor(type: string, ctx: { target?: string; optionLabel: (n: number) => string; columnLabel: string }): Partial<FieldDef> {
  switch (type) {
    case 'select':
    case 'multi_select':
      return {
        options: [
          { value: 'option_1', label: ctx.optionLabel(1) },
          { value: 'option_2', label: ctx.optionLabel(2) },
        ],
      };
    case 'relation':
      return ctx.target ? { target: ctx.target } : {};
    case 'sub_table':
      return { fields: [{ key: 'item', type: 'text', label: ctx.columnLabel }] };
    case 'formula':
      return { formula: '', result: 'decimal' };
    case 'auto_number':
      return { format: 'NO-{yyyy}{mm}-{seq:5}', read_only: true };
    case 'money':
      return { scale: 2 };
    default:
      return {};
  }
}

/** Removes settings that mean nothing for the field's type and empty values,
 * so the saved definition holds only what the analyst set. */
export function cleanField(def: FieldDef, inSubTable = false): FieldDef {
  const allowed = settingsFor(def.type, inSubTable);
  const out: FieldDef = { key: def.key, type: def.type, label: def.label };
  const keep = (k: keyof FieldDef, setting?: Setting) => {
    const v = def[k];
    if (v === undefined || v === null || v === '' || v === false) return;
    if (Array.isArray(v) && v.length === 0 && k !== 'fields') return;
    if (setting && !allowed.has(setting)) return;
    (out as unknown as Record<string, unknown>)[k] = v;
  };
  keep('help');
  keep('required', 'required');
  keep('read_only');
  keep('unique', 'unique');
  keep('index', 'index');
  keep('default', 'default');
  keep('visible_if');
  keep('min', 'range');
  keep('max', 'range');
  keep('min_length', 'length');
  keep('max_length', 'length');
  keep('pattern', 'pattern');
  keep('options', 'options');
  keep('target', 'target');
  keep('multiple', 'multiple');
  keep('formula', 'formula');
  if (def.type === 'formula') out.formula = def.formula ?? '';
  keep('result', 'formula');
  if (allowed.has('scale') || (def.type === 'formula' && ['decimal', 'money', 'percent'].includes(def.result ?? 'decimal'))) keep('scale');
  keep('currency', 'currency');
  keep('format', 'format');
  keep('max_size', 'attachment');
  keep('accept', 'attachment');
  keep('max_files', 'attachment');
  if (def.fill?.from) keep('fill', 'fill');
  return out;
}
