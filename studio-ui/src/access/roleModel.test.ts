import { describe, expect, it } from 'vitest';
import { actionsOf, fieldLevel, fieldPaths, setAction, setFieldLevel, setScope, scopeOf, type RoleDefinition } from './roleModel';

const rep: RoleDefinition = {
  kind: 'role',
  key: 'sales_rep',
  title: 'Sales rep',
  grants: [
    { form: 'product', actions: ['read'], fields: { unit_cost: 'hidden' } },
    { form: 'order', actions: ['create', 'read', 'update'], scope: 'own', fields: { margin: 'hidden', 'items.unit_cost': 'hidden', status: 'read' } },
    { form: '*', actions: ['export'] },
  ],
};

describe('the permission matrix of a role', () => {
  it('reads actions of the form, and those every form gets apart', () => {
    const { own, inherited } = actionsOf(rep, 'order');
    expect([...own]).toEqual(['create', 'read', 'update']);
    expect([...inherited]).toEqual(['export']);
  });

  it('adds an action to the existing grant without touching its fields', () => {
    const next = setAction(rep, 'order', 'delete', true);
    const g = next.grants.find((x) => x.form === 'order')!;
    expect(g.actions).toEqual(['create', 'read', 'update', 'delete']);
    expect(g.fields).toEqual(rep.grants[1].fields);
    expect(g.scope).toBe('own');
    expect(rep.grants[1].actions).toEqual(['create', 'read', 'update']);
  });

  it('creates a grant for a form the role had none for, and drops it when emptied', () => {
    const next = setAction(rep, 'customer', 'read', true);
    expect(next.grants.at(-1)).toEqual({ form: 'customer', actions: ['read'] });
    const back = setAction(next, 'customer', 'read', false);
    expect(back.grants).toEqual(rep.grants);
  });
});

describe('field levels', () => {
  it('falls back to the sub-table, then to what the actions give', () => {
    expect(fieldLevel(rep, 'order', 'margin')).toBe('hidden');
    expect(fieldLevel(rep, 'order', 'items.unit_cost')).toBe('hidden');
    expect(fieldLevel(rep, 'order', 'items.qty')).toBe('write');
    expect(fieldLevel(rep, 'order', 'discount')).toBe('write');
    expect(fieldLevel(rep, 'product', 'name')).toBe('read');
    expect(fieldLevel(rep, 'customer', 'name')).toBeNull();
  });

  it('writes only levels that differ from the fallback', () => {
    const ro = setFieldLevel(rep, 'order', 'discount', 'read');
    expect(ro.grants[1].fields).toMatchObject({ discount: 'read' });
    expect(fieldLevel(ro, 'order', 'discount')).toBe('read');
    const back = setFieldLevel(ro, 'order', 'discount', 'write');
    expect(back.grants[1].fields).toEqual(rep.grants[1].fields);
    const cleared = setFieldLevel(rep, 'product', 'unit_cost', 'read');
    expect(cleared.grants[0]).toEqual({ form: 'product', actions: ['read'] });
  });

  it('does not invent a grant to hold a field level', () => {
    expect(setFieldLevel(rep, 'customer', 'name', 'read').grants).toEqual(rep.grants);
  });

  it('lists sub-table columns under their table', () => {
    const paths = fieldPaths([
      { key: 'a', type: 'text', label: 'A' },
      { key: 'items', type: 'sub_table', label: 'Items', fields: [{ key: 'qty', type: 'integer', label: 'Qty' }] },
    ]);
    expect(paths.map((p) => `${p.path}:${p.depth}`)).toEqual(['a:0', 'items:0', 'items.qty:1']);
  });
});

describe('row scopes', () => {
  it('keeps a filter only with the filter scope and leaves "all" implicit', () => {
    const f = setScope(rep, 'order', 'filter', 'region == user.region');
    expect(scopeOf(f, 'order')).toEqual({ scope: 'filter', filter: 'region == user.region' });
    const all = setScope(f, 'order', 'all');
    expect(all.grants[1].scope).toBeUndefined();
    expect(all.grants[1].filter).toBeUndefined();
    expect(scopeOf(all, 'order')).toEqual({ scope: 'all', filter: '' });
    expect(scopeOf(rep, 'lead')).toBeNull();
  });
});
