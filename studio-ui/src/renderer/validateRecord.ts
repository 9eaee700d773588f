// Checks a record against its record schema as the user types: the same
// limits the server enforces (required, ranges, lengths, patterns, options,
// decimal places), reported by JSON pointer like the server's errors.

import type { FormDefinition, JSONSchema, RecordValue } from '../api/types';
import type { MessageKey } from '../i18n';
import { run } from './expr';
import { recordEnv, type Actor } from './recordModel';

export interface FieldError {
  code: MessageKey;
  params?: Record<string, string | number>;
  /** A message written in the definition (a rule's), shown as it is. */
  text?: string;
}

export type Errors = Record<string, FieldError>;

const isEmpty = (v: unknown) => v === undefined || v === null || v === '' || (Array.isArray(v) && v.length === 0);

function types(s: JSONSchema): string[] {
  const t = s.type;
  return Array.isArray(t) ? (t as string[]) : typeof t === 'string' ? [t] : [];
}

const emailRe = /^[^\s@]+@[^\s@]+\.[^\s@]+$/;

function checkFormat(format: unknown, v: string): boolean {
  switch (format) {
    case 'email':
      return emailRe.test(v);
    case 'uri':
      try {
        new URL(v);
        return true;
      } catch {
        return false;
      }
    case 'date':
      return /^\d{4}-\d{2}-\d{2}$/.test(v) && !Number.isNaN(Date.parse(v));
    case 'date-time':
      return !Number.isNaN(Date.parse(v));
  }
  return true;
}

function decimals(n: number): number {
  const s = String(n);
  if (s.includes('e-')) return Number(s.split('e-')[1]);
  const i = s.indexOf('.');
  return i < 0 ? 0 : s.length - i - 1;
}

/** The first problem of one non-empty value v against schema s, or null. */
export function checkValue(s: JSONSchema, v: unknown): FieldError | null {
  const ts = types(s);
  if (typeof v === 'number' || (typeof v === 'string' && ts.includes('number') && !ts.includes('integer'))) {
    const n = typeof v === 'number' ? v : Number(v);
    const numeric = ts.includes('number') || ts.includes('integer');
    if (numeric) {
      if (Number.isNaN(n)) return { code: 'check.number' };
      if (ts.includes('integer') && !ts.includes('number') && !Number.isInteger(n)) return { code: 'check.integer' };
      if (typeof s.minimum === 'number' && n < s.minimum) return { code: 'check.minimum', params: { min: s.minimum } };
      if (typeof s.maximum === 'number' && n > s.maximum) return { code: 'check.maximum', params: { max: s.maximum } };
      const scale = s['x-scale'];
      if (typeof scale === 'number' && typeof v === 'number' && decimals(v) > scale) return { code: 'check.scale', params: { scale } };
      if (typeof v === 'string' && typeof s.pattern === 'string' && !new RegExp(s.pattern).test(v)) return { code: 'check.number' };
      return null;
    }
  }
  if (typeof v === 'string') {
    if (!ts.includes('string')) return { code: 'check.type' };
    const len = [...v].length;
    if (typeof s.minLength === 'number' && len < s.minLength) return { code: 'check.minLength', params: { min: s.minLength } };
    if (typeof s.maxLength === 'number' && len > s.maxLength) return { code: 'check.maxLength', params: { max: s.maxLength } };
    if (Array.isArray(s.enum) && !s.enum.includes(v)) return { code: 'check.option' };
    if (s.format && !checkFormat(s.format, v)) return { code: `check.format.${String(s.format)}` as MessageKey };
    const patterns = [s.pattern, ...((s.allOf as JSONSchema[] | undefined) ?? []).map((x) => x.pattern)].filter(
      (p): p is string => typeof p === 'string',
    );
    for (const p of patterns) {
      if (!new RegExp(p).test(v)) return { code: s['x-type'] === 'phone' ? 'check.phone' : 'check.pattern' };
    }
    return null;
  }
  if (typeof v === 'boolean') return ts.includes('boolean') ? null : { code: 'check.type' };
  if (Array.isArray(v)) {
    if (!ts.includes('array')) return { code: 'check.type' };
    if (typeof s.minItems === 'number' && v.length < s.minItems) return { code: 'check.minItems', params: { min: s.minItems } };
    if (typeof s.maxItems === 'number' && v.length > s.maxItems) return { code: 'check.maxItems', params: { max: s.maxItems } };
    const items = s.items as JSONSchema | undefined;
    if (items && types(items).includes('string')) {
      for (const x of v) {
        const e = checkValue(items, x);
        if (e) return e;
      }
    }
    return null;
  }
  return null;
}

/** Checks an object (the record, or one sub-table row) into errors under
 * prefix. shown says which fields are visible; hidden ones are not checked. */
function checkObject(schema: JSONSchema, values: RecordValue, prefix: string, shown: Record<string, boolean>, errors: Errors) {
  const properties = (schema.properties as Record<string, JSONSchema> | undefined) ?? {};
  const required = new Set((schema.required as string[] | undefined) ?? []);
  for (const [key, s] of Object.entries(properties)) {
    if (key === 'id' || shown[key] === false) continue;
    const path = `${prefix}/${key}`;
    const v = values?.[key];
    if (isEmpty(v)) {
      if (required.has(key) || s['x-required'] === true) {
        // note: a field with a default may be left empty; the server fills it.
        if (!s['x-default']) errors[path] = { code: 'check.required' };
      }
      continue;
    }
    const e = checkValue(s, v);
    if (e) {
      errors[path] = e;
      continue;
    }
    const items = s.items as JSONSchema | undefined;
    if (Array.isArray(v) && items && types(items).includes('object')) {
      v.forEach((row, i) => checkObject(items, row as RecordValue, `${path}/${i}`, {}, errors));
    }
  }
}

/** Every problem of values (formulas filled in) against the record schema and
 * the form's rules, by JSON pointer; "" for the record as a whole. */
export function validateRecord(
  def: FormDefinition,
  schema: JSONSchema | undefined,
  values: RecordValue,
  shown: Record<string, boolean>,
  actor?: Actor,
): Errors {
  const errors: Errors = {};
  if (!schema) return errors;
  checkObject(schema, values, '', shown, errors);
  const rules = (schema['x-rules'] as { key: string; expr: string; message: string; field?: string }[] | undefined) ?? def.rules ?? [];
  if (rules.length) {
    const env = recordEnv(def, values, actor);
    for (const r of rules) {
      try {
        if (run(r.expr, env) === false) {
          const path = r.field && shown[r.field] !== false ? `/${r.field}` : '';
          if (!errors[path]) errors[path] = { code: 'check.rule', text: r.message };
        }
      } catch {
        // note: a rule this evaluator cannot run is left to the server.
      }
    }
  }
  return errors;
}
