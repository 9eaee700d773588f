import { describe, expect, it } from 'vitest';
import type { FieldDef } from '../api/types';
import { fillFits } from './FillSetting';
import { cleanField, settingsFor } from './fieldTypes';

const f = (type: string, extra: Partial<FieldDef> = {}): FieldDef => ({ key: type, type, label: type, ...extra });

describe('fill from', () => {
  it('offers source fields whose values fit, as the server checks them', () => {
    expect(fillFits(f('money'), f('money'))).toBe(true);
    expect(fillFits(f('money'), f('integer'))).toBe(true);
    expect(fillFits(f('money'), f('formula', { result: 'money' }))).toBe(true);
    expect(fillFits(f('integer'), f('money'))).toBe(false);
    expect(fillFits(f('text'), f('select'))).toBe(true);
    expect(fillFits(f('text'), f('money'))).toBe(false);
    expect(fillFits(f('relation', { target: 'customer' }), f('relation', { target: 'customer' }))).toBe(true);
    expect(fillFits(f('relation', { target: 'customer' }), f('relation', { target: 'lead' }))).toBe(false);
    expect(fillFits(f('text'), f('sub_table'))).toBe(false);
  });

  it('is not offered on computed fields and files', () => {
    expect(['formula', 'auto_number', 'sub_table', 'attachment'].map((t) => settingsFor(t).has('fill'))).toEqual([false, false, false, false]);
    expect(settingsFor('money', true).has('fill')).toBe(true);
  });

  it('is kept in the definition once a relation is chosen', () => {
    const fill = { from: 'product', field: 'unit_cost' };
    expect(cleanField(f('money', { fill }), true).fill).toEqual(fill);
    expect(cleanField(f('formula', { formula: '1', fill }), true).fill).toBeUndefined();
  });
});
