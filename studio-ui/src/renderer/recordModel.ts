// What the generated form computes as the user types: which fields it shows
// and how, the values formulas give, visibility conditions and defaults. It
// reads the form definition for layout and expressions and the record schema
// (GET /api/v1/forms/{form}: what this user may write, in the server's
// evaluation order) for everything else.

import type { FieldDef, FormDefinition, JSONSchema, RecordValue } from '../api/types';
import { run, type Env } from './expr';

export type Mode = 'edit' | 'readonly' | 'computed';

/** One field as the form renders it. */
export interface RenderField {
  def: FieldDef;
  /** The record schema of its value, when it may be written. */
  schema?: JSONSchema;
  mode: Mode;
  columns?: RenderField[];
}

const computedTypes = new Set(['formula', 'auto_number']);

function props(schema: JSONSchema | undefined): Record<string, JSONSchema> {
  return (schema?.properties as Record<string, JSONSchema> | undefined) ?? {};
}

function strings(schema: JSONSchema | undefined, key: string): string[] {
  const v = schema?.[key];
  return Array.isArray(v) ? (v as string[]) : [];
}

/** The fields to render: with a schema, only those it names (the others are
 * hidden from this user); without one (a draft's preview), all of them. */
export function renderFields(fields: FieldDef[], schema: JSONSchema | undefined): RenderField[] {
  const p = props(schema);
  const computed = strings(schema, 'x-computed');
  const readOnly = strings(schema, 'x-read-only');
  const out: RenderField[] = [];
  for (const def of fields) {
    let mode: Mode;
    if (schema) {
      if (p[def.key]) mode = 'edit';
      else if (computed.includes(def.key)) mode = 'computed';
      else if (readOnly.includes(def.key)) mode = 'readonly';
      else continue;
    } else {
      mode = computedTypes.has(def.type) ? 'computed' : def.read_only ? 'readonly' : 'edit';
    }
    const f: RenderField = { def, mode, schema: p[def.key] };
    if (def.type === 'sub_table') {
      const items = (p[def.key]?.items as JSONSchema | undefined) ?? undefined;
      f.columns = renderFields(def.fields ?? [], schema ? items : undefined);
    }
    out.push(f);
  }
  return out;
}

function toNumber(v: unknown): number | null {
  if (typeof v === 'number') return Number.isFinite(v) ? v : null;
  if (typeof v === 'string' && v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return null;
}

function toDate(v: unknown): Date | null {
  if (typeof v !== 'string' || !v) return null;
  const d = /^\d{4}-\d{2}-\d{2}$/.test(v) ? new Date(`${v}T00:00:00Z`) : new Date(v);
  return Number.isNaN(d.getTime()) ? null : d;
}

const numericTypes = new Set(['integer', 'decimal', 'money', 'percent']);

/** What expressions see of a field holding v (forms/env.go): empty numbers
 * and text are 0 and "", empty dates and links nil. */
export function exprValue(def: FieldDef, v: unknown): unknown {
  const type = def.type === 'formula' ? (def.result ?? 'decimal') : def.type;
  if (numericTypes.has(type)) return toNumber(v) ?? 0;
  switch (type) {
    case 'boolean':
      return v === true;
    case 'date':
    case 'datetime':
      return toDate(v);
    case 'relation':
      return def.multiple ? (Array.isArray(v) ? v : []) : (toNumber(v) ?? null);
    case 'user':
    case 'department':
      return toNumber(v) ?? null;
    case 'multi_select':
    case 'attachment':
      return Array.isArray(v) ? v : [];
    case 'sub_table':
      return Array.isArray(v) ? v.map((row) => rowEnv(def.fields ?? [], row as RecordValue)) : [];
    default:
      return typeof v === 'string' ? v : v == null ? '' : String(v);
  }
}

function rowEnv(fields: FieldDef[], row: RecordValue): Env {
  const env: Env = {};
  for (const f of fields) env[f.key] = exprValue(f, row?.[f.key]);
  return env;
}

export interface Actor {
  id: number;
  email: string;
  name: string;
}

/** The environment of the form's expressions over values. */
export function recordEnv(def: FormDefinition, values: RecordValue, actor?: Actor): Env {
  const env = rowEnv(def.fields, values);
  env.id = 0;
  env.owner = actor?.id ?? 0;
  env.created_by = actor?.id ?? 0;
  env.created_at = new Date();
  env.flow_status = '';
  env.user = { id: actor?.id ?? 0, email: actor?.email ?? '', name: actor?.name ?? '' };
  env.prev = rowEnv(def.fields, {});
  return env;
}

/** The order formulas are evaluated in: the schema's (the server's), else
 * the definition's. */
function formulaOrder(fields: FieldDef[], schema: JSONSchema | undefined): FieldDef[] {
  const listed = schema?.['x-formulas'];
  const byKey = new Map(fields.map((f) => [f.key, f]));
  if (Array.isArray(listed)) {
    return (listed as { key: string }[]).map((x) => byKey.get(x.key)).filter((f): f is FieldDef => !!f && f.type === 'formula');
  }
  return fields.filter((f) => f.type === 'formula');
}

/** A formula's value rounded as the server stores it. */
function settle(def: FieldDef, v: unknown): unknown {
  const result = def.result ?? 'decimal';
  if (typeof v !== 'number' || !numericTypes.has(result)) return v;
  if (result === 'integer') return Math.round(v);
  const scale = def.scale ?? 2;
  return Math.round(v * 10 ** scale) / 10 ** scale;
}

export interface Computed {
  /** values with every formula filled in, rows included. */
  values: RecordValue;
  /** Formulas that could not be computed here, by path, with why. */
  pending: Record<string, string>;
}

/** Fills in the formulas of values: each row's first, then the record's in
 * the server's order, each seeing the ones before it. */
export function computeFormulas(def: FormDefinition, schema: JSONSchema | undefined, values: RecordValue, actor?: Actor): Computed {
  const out: RecordValue = { ...values };
  const pending: Record<string, string> = {};
  const p = props(schema);
  for (const f of def.fields) {
    if (f.type !== 'sub_table' || !Array.isArray(values[f.key])) continue;
    const cols = f.fields ?? [];
    const order = formulaOrder(cols, p[f.key]?.items as JSONSchema | undefined);
    out[f.key] = (values[f.key] as RecordValue[]).map((row, i) => {
      const r = { ...row };
      const env = rowEnv(cols, r);
      for (const c of order) {
        try {
          r[c.key] = settle(c, run(c.formula ?? '', env));
          env[c.key] = exprValue(c, r[c.key]);
        } catch (e) {
          r[c.key] = null;
          pending[`/${f.key}/${i}/${c.key}`] = (e as Error).message;
        }
      }
      return r;
    });
  }
  const env = recordEnv(def, out, actor);
  for (const f of formulaOrder(def.fields, schema)) {
    try {
      out[f.key] = settle(f, run(f.formula ?? '', env));
      env[f.key] = exprValue(f, out[f.key]);
    } catch (e) {
      out[f.key] = null;
      pending[`/${f.key}`] = (e as Error).message;
    }
  }
  return { values: out, pending };
}

/** Which fields show: visible_if is true, or cannot be decided here. */
export function visibility(def: FormDefinition, values: RecordValue, actor?: Actor): Record<string, boolean> {
  const env = recordEnv(def, values, actor);
  const out: Record<string, boolean> = {};
  for (const f of def.fields) {
    if (!f.visible_if) {
      out[f.key] = true;
      continue;
    }
    try {
      out[f.key] = run(f.visible_if, env) === true;
    } catch {
      out[f.key] = true;
    }
  }
  return out;
}

/** The values a new record starts with: each field's default expression,
 * where it can be evaluated here (the server fills in the rest on save). */
export function initialValues(def: FormDefinition, actor?: Actor): RecordValue {
  const out: RecordValue = {};
  const env = recordEnv(def, {}, actor);
  for (const f of def.fields) {
    if (f.type === 'sub_table') {
      out[f.key] = [];
      continue;
    }
    if (!f.default) continue;
    try {
      out[f.key] = fromExpr(f, run(f.default, env));
    } catch {
      // note: left empty; the server applies the default on save.
    }
  }
  return out;
}

/** A value an expression gave, as the form holds it. */
function fromExpr(def: FieldDef, v: unknown): unknown {
  if (v instanceof Date) {
    return def.type === 'datetime' ? v.toISOString() : v.toISOString().slice(0, 10);
  }
  return v;
}

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

/** The body that creates the record: only what this user may write, shown
 * and not empty; decimals as exact strings. */
export function toPayload(fields: RenderField[], values: RecordValue, shown: Record<string, boolean>): RecordValue {
  const out: RecordValue = {};
  for (const f of fields) {
    if (f.mode !== 'edit' || shown[f.def.key] === false) continue;
    const v = values[f.def.key];
    if (isEmpty(v)) continue;
    if (f.def.type === 'sub_table') {
      out[f.def.key] = (v as RecordValue[]).map((row) => storedRow(f.columns ?? [], row));
      continue;
    }
    out[f.def.key] = payloadValue(f.def, v);
  }
  return out;
}

/** A sub-table row to send. A stored row goes back with its id, so the
 * server keeps what this user does not see of it (a cost filled from the
 * product), and with null for what the user emptied. */
function storedRow(columns: RenderField[], row: RecordValue): RecordValue {
  const out = toPayload(columns, row, {});
  if (typeof row.id !== 'number') return out;
  for (const c of columns) {
    if (c.mode === 'edit' && !(c.def.key in out)) out[c.def.key] = null;
  }
  return { id: row.id, ...out };
}

function payloadValue(def: FieldDef, v: unknown): unknown {
  if ((def.type === 'decimal' || def.type === 'money' || def.type === 'percent') && typeof v === 'number') {
    const scale = def.scale ?? (def.type === 'percent' ? 4 : 2);
    return v.toFixed(scale);
  }
  return v;
}
