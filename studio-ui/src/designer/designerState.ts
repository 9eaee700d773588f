// The form designer's state: the form being edited as a tree of fields with
// ids that survive key changes (for drag and drop and selection), and the
// actions that change it. Pure, so it is tested without a browser.

import type { FieldDef, FormDefinition, FormIndex, FormRule } from '../api/types';
import { allowedInSubTable, cleanField, defaultsFor } from './fieldTypes';
import { keyFromLabel } from './keys';
import { parseLayout, syncLayout, toStored } from '../renderer/formLayout';

export interface DField {
  uid: string;
  def: FieldDef; // without `fields`: columns live in `columns`
  columns?: DField[];
  /** The analyst typed the key: it no longer follows the label. */
  keyEdited: boolean;
}

export interface DRule extends FormRule {
  uid: string;
}

export interface DesignerState {
  key: string;
  title: string;
  description: string;
  fields: DField[];
  rules: DRule[];
  layout?: Record<string, unknown>;
  /** The form's declared indexes, kept as they came: the designer does not
   * edit them, but saving must not lose them. */
  indexes?: FormIndex[];
  /** The form's "create from" conversions, kept as they came for the same
   * reason; the server checks them against the fields at publish. */
  conversions?: Record<string, unknown>[];
  /** Keys published already ("amount", "items.qty"): they cannot change. */
  locked: string[];
  selected: string | null;
}

export const ROOT = 'root';

let counter = 0;
export function newUID(prefix = 'f'): string {
  counter += 1;
  return `${prefix}${counter}`;
}

function toDField(def: FieldDef): DField {
  const { fields, ...rest } = def;
  return {
    uid: newUID(),
    def: rest,
    columns: def.type === 'sub_table' ? (fields ?? []).map(toDField) : undefined,
    keyEdited: true,
  };
}

/** Published keys of a definition, columns as "parent.key". */
export function keysOf(def: FormDefinition | null | undefined): string[] {
  if (!def) return [];
  const out: string[] = [];
  for (const f of def.fields ?? []) {
    out.push(f.key);
    for (const c of f.fields ?? []) out.push(`${f.key}.${c.key}`);
  }
  return out;
}

export function fromDefinition(def: FormDefinition, published: FormDefinition | null): DesignerState {
  return {
    key: def.key,
    title: def.title,
    description: def.description ?? '',
    fields: (def.fields ?? []).map(toDField),
    rules: (def.rules ?? []).map((r) => ({ ...r, uid: newUID('r') })),
    layout: def.layout,
    indexes: def.indexes,
    conversions: def.conversions,
    locked: keysOf(published),
    selected: null,
  };
}

export function emptyState(key: string, title: string): DesignerState {
  return { key, title, description: '', fields: [], rules: [], locked: [], selected: null };
}

/** Where each part of the definition came from, by JSON pointer, so the
 * server's problems ("/fields/2/formula") land on the right field. */
export type PathIndex = Map<string, string>;

/** The definition to save, and the pointer of every field and rule. */
export function toDefinition(s: DesignerState): { def: FormDefinition; paths: PathIndex } {
  const paths: PathIndex = new Map();
  const fields = s.fields.map((f, i) => {
    paths.set(`/fields/${i}`, f.uid);
    const out = cleanField(f.def);
    if (f.columns) {
      out.fields = f.columns.map((c, j) => {
        paths.set(`/fields/${i}/fields/${j}`, c.uid);
        return cleanField(c.def, true);
      });
    }
    return out;
  });
  const def: FormDefinition = { kind: 'form', key: s.key, title: s.title, fields };
  if (s.description.trim()) def.description = s.description;
  if (s.rules.length) {
    def.rules = s.rules.map((r, i) => {
      paths.set(`/rules/${i}`, r.uid);
      const out: FormRule = { key: r.key, expr: r.expr, message: r.message };
      if (r.field) out.field = r.field;
      return out;
    });
  }
  if (s.layout) def.layout = s.layout;
  if (s.indexes?.length) def.indexes = s.indexes;
  if (s.conversions?.length) def.conversions = s.conversions;
  return { def, paths };
}

/** Finds a field or column by uid, with its container. */
export function findField(s: DesignerState, uid: string | null): { field: DField; parent: DField | null; index: number } | null {
  if (!uid) return null;
  for (let i = 0; i < s.fields.length; i++) {
    const f = s.fields[i];
    if (f.uid === uid) return { field: f, parent: null, index: i };
    const j = f.columns?.findIndex((c) => c.uid === uid) ?? -1;
    if (j >= 0) return { field: f.columns![j], parent: f, index: j };
  }
  return null;
}

export function isLocked(s: DesignerState, uid: string): boolean {
  const found = findField(s, uid);
  if (!found) return false;
  const path = found.parent ? `${found.parent.def.key}.${found.field.def.key}` : found.field.def.key;
  return s.locked.includes(path);
}

export interface Labels {
  newField(type: string): string;
  option(n: number): string;
  column: string;
}

export type Action =
  | { type: 'add'; fieldType: string; container: string; index: number; target?: string; labels: Labels; uid?: string }
  | { type: 'move'; uid: string; toIndex: number }
  | { type: 'remove'; uid: string }
  | { type: 'duplicate'; uid: string }
  | { type: 'update'; uid: string; patch: Partial<FieldDef> }
  | { type: 'setKey'; uid: string; key: string }
  | { type: 'select'; uid: string | null }
  | { type: 'form'; patch: { title?: string; description?: string; layout?: Record<string, unknown> } }
  | { type: 'addRule' }
  | { type: 'updateRule'; uid: string; patch: Partial<FormRule> }
  | { type: 'removeRule'; uid: string }
  | { type: 'reset'; state: DesignerState };

function siblingsOf(s: DesignerState, container: string): DField[] | null {
  if (container === ROOT) return s.fields;
  const parent = s.fields.find((f) => f.uid === container);
  return parent?.columns ?? null;
}

/** Returns s with the list of container replaced. */
function withSiblings(s: DesignerState, container: string, list: DField[]): DesignerState {
  if (container === ROOT) return { ...s, fields: list };
  return { ...s, fields: s.fields.map((f) => (f.uid === container ? { ...f, columns: list } : f)) };
}

function containerOf(s: DesignerState, uid: string): string | null {
  const found = findField(s, uid);
  if (!found) return null;
  return found.parent ? found.parent.uid : ROOT;
}

function move<T>(list: T[], from: number, to: number): T[] {
  const out = list.slice();
  const [x] = out.splice(from, 1);
  out.splice(Math.max(0, Math.min(to, out.length)), 0, x);
  return out;
}

/** Applies an action; the layout follows the fields it names (see
 * followFields). */
export function reducer(s: DesignerState, a: Action): DesignerState {
  const next = reduce(s, a);
  return (next.layout || next.indexes?.length) && next.fields !== s.fields ? followFields(s, next) : next;
}

/** Keeps the layout and the indexes naming the form's fields: a field whose
 * key changed keeps its place, a removed one leaves the layout and takes
 * every index naming it along (an index without one of its columns would
 * serve other queries). */
function followFields(before: DesignerState, after: DesignerState): DesignerState {
  const old = new Map(before.fields.map((f) => [f.uid, f.def.key]));
  const renamed: Record<string, string> = {};
  for (const f of after.fields) {
    const was = old.get(f.uid);
    if (was !== undefined && was !== f.def.key) renamed[was] = f.def.key;
  }
  const keys = after.fields.map((f) => f.def.key);
  const out = { ...after };
  if (after.layout) out.layout = toStored(syncLayout(parseLayout(after.layout), renamed, keys));
  if (after.indexes?.length) out.indexes = followIndexes(after.indexes, renamed, before.fields.map((f) => f.def.key), keys);
  return out;
}

/** Renames index fields whose key changed and drops the indexes naming a
 * field that is gone; names that were never fields (system columns such as
 * owner) stay. */
function followIndexes(indexes: FormIndex[], renamed: Record<string, string>, before: string[], after: string[]): FormIndex[] {
  const gone = new Set(before.filter((k) => !after.includes(k) && !(k in renamed)));
  return indexes
    .filter((ix) => !ix.fields.some((k) => gone.has(k)))
    .map((ix) => (ix.fields.some((k) => k in renamed) ? { ...ix, fields: ix.fields.map((k) => renamed[k] ?? k) } : ix));
}

function reduce(s: DesignerState, a: Action): DesignerState {
  switch (a.type) {
    case 'reset':
      return a.state;
    case 'select':
      return { ...s, selected: a.uid };
    case 'form':
      return { ...s, ...a.patch };
    case 'add': {
      const list = siblingsOf(s, a.container);
      if (!list) return s;
      if (a.container !== ROOT && !allowedInSubTable(a.fieldType)) return s;
      const label = a.labels.newField(a.fieldType);
      const key = keyFromLabel(label, list.map((f) => f.def.key), a.fieldType);
      const extra = defaultsFor(a.fieldType, { target: a.target, optionLabel: a.labels.option, columnLabel: a.labels.column });
      const { fields: cols, ...settings } = extra;
      const field: DField = {
        uid: a.uid ?? newUID(),
        def: { key, type: a.fieldType, label, ...settings },
        columns: a.fieldType === 'sub_table' ? (cols ?? []).map(toDField) : undefined,
        keyEdited: false,
      };
      const next = list.slice();
      next.splice(Math.max(0, Math.min(a.index, next.length)), 0, field);
      return { ...withSiblings(s, a.container, next), selected: field.uid };
    }
    case 'move': {
      const container = containerOf(s, a.uid);
      const list = container && siblingsOf(s, container);
      if (!container || !list) return s;
      const from = list.findIndex((f) => f.uid === a.uid);
      if (from === a.toIndex) return s;
      return withSiblings(s, container, move(list, from, a.toIndex));
    }
    case 'remove': {
      const container = containerOf(s, a.uid);
      const list = container && siblingsOf(s, container);
      if (!container || !list) return s;
      const next = withSiblings(
        s,
        container,
        list.filter((f) => f.uid !== a.uid),
      );
      const selected = s.selected === a.uid || findField(next, s.selected) === null ? null : s.selected;
      return { ...next, selected };
    }
    case 'duplicate': {
      const found = findField(s, a.uid);
      const container = containerOf(s, a.uid);
      const list = container && siblingsOf(s, container);
      if (!found || !container || !list) return s;
      const copy: DField = {
        uid: newUID(),
        def: { ...found.field.def, key: keyFromLabel(found.field.def.key, list.map((f) => f.def.key), found.field.def.type) },
        columns: found.field.columns?.map((c) => ({ ...c, uid: newUID() })),
        keyEdited: true,
      };
      const next = list.slice();
      next.splice(found.index + 1, 0, copy);
      return { ...withSiblings(s, container, next), selected: copy.uid };
    }
    case 'update': {
      const found = findField(s, a.uid);
      const container = containerOf(s, a.uid);
      const list = container && siblingsOf(s, container);
      if (!found || !container || !list) return s;
      const def = { ...found.field.def, ...a.patch };
      // note: the key follows the label until the analyst types one or the
      // field is published, after which it names a column and stays.
      if (a.patch.label !== undefined && !found.field.keyEdited && !isLocked(s, a.uid)) {
        const others = list.filter((f) => f.uid !== a.uid).map((f) => f.def.key);
        def.key = keyFromLabel(a.patch.label, others, def.type);
      }
      const field = { ...found.field, def };
      return withSiblings(
        s,
        container,
        list.map((f) => (f.uid === a.uid ? field : f)),
      );
    }
    case 'setKey': {
      const found = findField(s, a.uid);
      const container = containerOf(s, a.uid);
      const list = container && siblingsOf(s, container);
      if (!found || !container || !list || isLocked(s, a.uid)) return s;
      const field = { ...found.field, def: { ...found.field.def, key: a.key }, keyEdited: true };
      return withSiblings(
        s,
        container,
        list.map((f) => (f.uid === a.uid ? field : f)),
      );
    }
    case 'addRule': {
      const taken = new Set(s.rules.map((r) => r.key));
      let n = s.rules.length + 1;
      while (taken.has(`rule_${n}`)) n++;
      const rule: DRule = { uid: newUID('r'), key: `rule_${n}`, expr: '', message: '' };
      return { ...s, rules: [...s.rules, rule] };
    }
    case 'updateRule':
      return { ...s, rules: s.rules.map((r) => (r.uid === a.uid ? { ...r, ...a.patch } : r)) };
    case 'removeRule':
      return { ...s, rules: s.rules.filter((r) => r.uid !== a.uid) };
  }
}

/** Canonical text of a definition, to tell whether two are the same. */
export function canonical(v: unknown): string {
  return JSON.stringify(v, (_k, x) =>
    x && typeof x === 'object' && !Array.isArray(x)
      ? Object.fromEntries(Object.entries(x as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))
      : x,
  );
}
