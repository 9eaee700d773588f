// Role definitions (kind "role") seen as the admin edits them: a matrix of
// actions × roles per form, a field level per field × role, and a row scope
// per role and form. Each change returns a new role, touching only the grant
// for that form, so what the admin did not change stays as it was written.

import type { FieldDef } from '../api/types';

export const actions = ['create', 'read', 'update', 'delete', 'export', 'import', 'manage'] as const;
export type Action = (typeof actions)[number];

export const levels = ['hidden', 'read', 'write'] as const;
export type Level = (typeof levels)[number];

export const scopes = ['own', 'department', 'department_tree', 'all', 'filter'] as const;
export type Scope = (typeof scopes)[number];

export interface Grant {
  form: string;
  actions: string[];
  scope?: string;
  filter?: string;
  fields?: Record<string, string>;
}

export interface RoleDefinition {
  kind: 'role';
  key: string;
  title: string;
  description?: string;
  includes?: string[];
  grants: Grant[];
}

/** The grant a role has for exactly this form (not "*"), and its index. */
export function grantFor(role: RoleDefinition, form: string): { grant: Grant | undefined; index: number } {
  const index = role.grants.findIndex((g) => g.form === form);
  return { grant: index >= 0 ? role.grants[index] : undefined, index };
}

/** The actions a role may do on a form, split into those its own grant for
 * the form gives (editable here) and those a "*" grant gives (shown, not
 * editable per form). */
export function actionsOf(role: RoleDefinition, form: string): { own: Set<string>; inherited: Set<string> } {
  const own = new Set<string>();
  const inherited = new Set<string>();
  for (const g of role.grants) {
    if (g.form === form) g.actions.forEach((a) => own.add(a));
    else if (g.form === '*') g.actions.forEach((a) => inherited.add(a));
  }
  return { own, inherited };
}

function withGrant(role: RoleDefinition, form: string, change: (g: Grant) => Grant | null): RoleDefinition {
  const { grant, index } = grantFor(role, form);
  const next = change(grant ? { ...grant, actions: [...grant.actions], fields: grant.fields && { ...grant.fields } } : { form, actions: [] });
  const grants = [...role.grants];
  if (next === null) {
    if (index >= 0) grants.splice(index, 1);
  } else if (index >= 0) {
    grants[index] = next;
  } else {
    grants.push(next);
  }
  return { ...role, grants };
}

/** Gives or takes one action. A grant left with no action goes: a role
 * with nothing to do on a form has no business with its fields either. */
export function setAction(role: RoleDefinition, form: string, action: Action, on: boolean): RoleDefinition {
  return withGrant(role, form, (g) => {
    const set = new Set(g.actions);
    if (on) set.add(action);
    else set.delete(action);
    if (set.size === 0) return null;
    return { ...g, actions: actions.filter((a) => set.has(a)) };
  });
}

/** The level a field has when the grant does not name it. */
export function defaultLevel(g: Grant): Level {
  const star = g.fields?.['*'];
  if (star === 'hidden' || star === 'read' || star === 'write') return star;
  return g.actions.some((a) => a === 'create' || a === 'update' || a === '*') ? 'write' : 'read';
}

/** A field's level for a role on a form ("items.qty" for a sub-table
 * column, which falls back to its table's level), or null when the role
 * has no grant for the form. */
export function fieldLevel(role: RoleDefinition, form: string, path: string): Level | null {
  const { grant } = grantFor(role, form);
  if (!grant) return null;
  const named = grant.fields?.[path] ?? (path.includes('.') ? grant.fields?.[path.split('.')[0]] : undefined);
  if (named === 'hidden' || named === 'read' || named === 'write') return named;
  return defaultLevel(grant);
}

/** Sets a field's level. A level equal to what the field would have anyway
 * is not written, so the role stays as short as its author left it. */
export function setFieldLevel(role: RoleDefinition, form: string, path: string, level: Level): RoleDefinition {
  return withGrant(role, form, (g) => {
    if (g.actions.length === 0) return null;
    const fields = { ...(g.fields ?? {}) };
    delete fields[path];
    const fallback = path.includes('.') ? (fields[path.split('.')[0]] as Level | undefined) ?? defaultLevel(g) : defaultLevel(g);
    if (level !== fallback) fields[path] = level;
    const out: Grant = { ...g, fields };
    if (Object.keys(fields).length === 0) delete out.fields;
    return out;
  });
}

/** The row scope of a role's grant for a form ("all" when unset). */
export function scopeOf(role: RoleDefinition, form: string): { scope: Scope; filter: string } | null {
  const { grant } = grantFor(role, form);
  if (!grant) return null;
  return { scope: ((grant.scope as Scope) || 'all') as Scope, filter: grant.filter ?? '' };
}

export function setScope(role: RoleDefinition, form: string, scope: Scope, filter = ''): RoleDefinition {
  return withGrant(role, form, (g) => {
    if (g.actions.length === 0) return null;
    const out: Grant = { ...g, scope };
    if (scope === 'filter') out.filter = filter;
    else delete out.filter;
    if (scope === 'all') delete out.scope;
    return out;
  });
}

/** Every field path the matrix shows: top-level fields, then each
 * sub-table's columns as "table.column". */
export function fieldPaths(fields: FieldDef[]): { path: string; field: FieldDef; depth: number }[] {
  const out: { path: string; field: FieldDef; depth: number }[] = [];
  for (const f of fields) {
    out.push({ path: f.key, field: f, depth: 0 });
    if (f.type === 'sub_table') for (const c of f.fields ?? []) out.push({ path: `${f.key}.${c.key}`, field: c, depth: 1 });
  }
  return out;
}

/** A new role with nothing granted. */
export function newRole(key: string, title: string): RoleDefinition {
  return { kind: 'role', key, title, grants: [] };
}

/** Whether two roles say the same thing. */
export function sameRole(a: RoleDefinition, b: RoleDefinition): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
