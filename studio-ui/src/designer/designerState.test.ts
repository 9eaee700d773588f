import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../api/types';
import { canonical, emptyState, fromDefinition, isLocked, reducer, ROOT, toDefinition, type Action, type DesignerState, type Labels } from './designerState';

const labels: Labels = { newField: (t) => `New ${t}`, option: (n) => `Option ${n}`, column: 'Item' };

function apply(s: DesignerState, ...actions: Action[]): DesignerState {
  return actions.reduce(reducer, s);
}

const add = (fieldType: string, index = 99, container = ROOT): Action => ({ type: 'add', fieldType, container, index, labels, target: 'customer' });

const visit: FormDefinition = {
  kind: 'form',
  key: 'visit',
  title: 'Visit',
  fields: [
    { key: 'hours', type: 'integer', label: 'Hours', required: true },
    { key: 'parts', type: 'sub_table', label: 'Parts', fields: [{ key: 'qty', type: 'integer', label: 'Qty' }] },
  ],
  rules: [{ key: 'positive', expr: 'hours > 0', message: 'Hours must be positive' }],
};

describe('designer state', () => {
  it('adds fields from the palette, valid at once where it can', () => {
    const s = apply(emptyState('visit', 'Visit'), add('text'), add('select'), add('sub_table'), add('relation'), add('auto_number'));
    const { def } = toDefinition(s);
    expect(def.fields.map((f) => [f.key, f.type])).toEqual([
      ['new_text', 'text'],
      ['new_select', 'select'],
      ['new_sub_table', 'sub_table'],
      ['new_relation', 'relation'],
      ['new_auto_number', 'auto_number'],
    ]);
    expect(def.fields[1].options).toHaveLength(2);
    expect(def.fields[2].fields).toEqual([{ key: 'item', type: 'text', label: 'Item' }]);
    expect(def.fields[3].target).toBe('customer');
    expect(def.fields[4].format).toBe('NO-{yyyy}{mm}-{seq:5}');
    // the last one added is selected, for its properties
    expect(s.selected).toBe(s.fields[4].uid);
  });

  it('derives the key from the label until the analyst types one', () => {
    let s = apply(emptyState('visit', 'Visit'), add('text'));
    const uid = s.fields[0].uid;
    s = apply(s, { type: 'update', uid, patch: { label: 'Customer name 客户名称' } });
    expect(s.fields[0].def.key).toBe('customer_name');
    s = apply(s, { type: 'setKey', uid, key: 'client' }, { type: 'update', uid, patch: { label: 'Client name' } });
    expect(s.fields[0].def.key).toBe('client');
  });

  it('keeps derived keys unique among siblings', () => {
    let s = apply(emptyState('visit', 'Visit'), add('integer'), add('integer'));
    s = apply(s, { type: 'update', uid: s.fields[0].uid, patch: { label: 'Qty' } }, { type: 'update', uid: s.fields[1].uid, patch: { label: 'Qty' } });
    expect(s.fields.map((f) => f.def.key)).toEqual(['qty', 'qty_2']);
  });

  it('locks the keys of published fields', () => {
    let s = fromDefinition(visit, visit);
    const hours = s.fields[0].uid;
    const qty = s.fields[1].columns![0].uid;
    expect(isLocked(s, hours)).toBe(true);
    expect(isLocked(s, qty)).toBe(true);
    s = apply(s, { type: 'setKey', uid: hours, key: 'duration' }, { type: 'update', uid: hours, patch: { label: 'Duration' } });
    expect(s.fields[0].def).toMatchObject({ key: 'hours', label: 'Duration' });
  });

  it('moves fields within their list and columns within their sub-table', () => {
    let s = apply(fromDefinition(visit, null), add('text', 0));
    expect(s.fields.map((f) => f.def.key)).toEqual(['new_text', 'hours', 'parts']);
    s = apply(s, { type: 'move', uid: s.fields[0].uid, toIndex: 2 });
    expect(s.fields.map((f) => f.def.key)).toEqual(['hours', 'parts', 'new_text']);
    const parts = s.fields[1].uid;
    s = apply(s, add('money', 0, parts));
    expect(s.fields[1].columns!.map((c) => c.def.key)).toEqual(['new_money', 'qty']);
    s = apply(s, { type: 'move', uid: s.fields[1].columns![0].uid, toIndex: 1 });
    expect(s.fields[1].columns!.map((c) => c.def.key)).toEqual(['qty', 'new_money']);
  });

  it('does not nest a sub-table in a sub-table', () => {
    const s = fromDefinition(visit, null);
    const next = apply(s, add('sub_table', 0, s.fields[1].uid));
    expect(next).toBe(s);
  });

  it('removes and duplicates, keeping the selection sensible', () => {
    let s = apply(fromDefinition(visit, null), { type: 'select', uid: null });
    const hours = s.fields[0].uid;
    s = apply(s, { type: 'duplicate', uid: hours });
    expect(s.fields.map((f) => f.def.key)).toEqual(['hours', 'hours_2', 'parts']);
    s = apply(s, { type: 'remove', uid: s.selected! });
    expect(s.fields.map((f) => f.def.key)).toEqual(['hours', 'parts']);
    expect(s.selected).toBeNull();
  });

  it('gives the definition back as it was, with a pointer for every field and rule', () => {
    const s = fromDefinition(visit, null);
    const { def, paths } = toDefinition(s);
    expect(canonical(def)).toBe(canonical(visit));
    expect(paths.get('/fields/1')).toBe(s.fields[1].uid);
    expect(paths.get('/fields/1/fields/0')).toBe(s.fields[1].columns![0].uid);
    expect(paths.get('/rules/0')).toBe(s.rules[0].uid);
  });

  it('drops settings that do not apply to the type, and empty ones', () => {
    let s = apply(emptyState('visit', 'Visit'), add('text'));
    s = apply(s, { type: 'update', uid: s.fields[0].uid, patch: { min: 3, pattern: '', help: '', options: [] } });
    expect(toDefinition(s).def.fields[0]).toEqual({ key: 'new_text', type: 'text', label: 'New text' });
  });

  it('edits form rules', () => {
    let s = apply(fromDefinition(visit, null), { type: 'addRule' });
    expect(s.rules.map((r) => r.key)).toEqual(['positive', 'rule_2']);
    s = apply(s, { type: 'updateRule', uid: s.rules[1].uid, patch: { expr: 'hours < 24', message: 'At most a day', field: 'hours' } });
    s = apply(s, { type: 'removeRule', uid: s.rules[0].uid });
    expect(toDefinition(s).def.rules).toEqual([{ key: 'rule_2', expr: 'hours < 24', message: 'At most a day', field: 'hours' }]);
  });

  it('keeps the form conversions it does not edit', () => {
    const conversions = [{ key: 'from_quote', from: 'quote', set: { customer: 'customer' } }];
    const s = fromDefinition({ kind: 'form', key: 'order', title: 'Order', fields: [{ key: 'customer', type: 'text', label: 'Customer' }], conversions }, null);
    expect(toDefinition(s).def.conversions).toEqual(conversions);
  });

  it('keeps the form indexes it does not edit, following renamed and removed fields', () => {
    const indexed: FormDefinition = {
      ...visit,
      fields: [...visit.fields, { key: 'site', type: 'text', label: 'Site' }, { key: 'day', type: 'date', label: 'Day' }],
      indexes: [{ fields: ['site', 'day'] }, { fields: ['owner', 'hours'], unique: true }],
    };
    let s = fromDefinition(indexed, null);
    expect(canonical(toDefinition(s).def)).toBe(canonical(indexed));
    s = apply(s, { type: 'setKey', uid: s.fields[2].uid, key: 'place' });
    expect(toDefinition(s).def.indexes).toEqual([{ fields: ['place', 'day'] }, { fields: ['owner', 'hours'], unique: true }]);
    s = apply(s, { type: 'remove', uid: s.fields[0].uid });
    expect(toDefinition(s).def.indexes).toEqual([{ fields: ['place', 'day'] }]);
    s = apply(s, { type: 'remove', uid: s.fields[2].uid });
    expect(toDefinition(s).def.indexes).toBeUndefined();
  });
});
