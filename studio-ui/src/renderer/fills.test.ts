import { describe, expect, it } from 'vitest';
import type { FieldDef, RecordValue } from '../api/types';
import { applyFills, fillPreview, fillsFrom } from './fills';
import type { RenderField } from './recordModel';

const product: FieldDef = { key: 'product', type: 'relation', label: 'Product', target: 'product' };
const price: FieldDef = { key: 'unit_price', type: 'money', label: 'Price', fill: { from: 'product', field: 'unit_price' } };
const cost: FieldDef = { key: 'unit_cost', type: 'money', label: 'Cost', fill: { from: 'product', field: 'unit_cost' } };
const note: FieldDef = { key: 'note', type: 'text', label: 'Note', fill: { from: 'product', field: 'name', mode: 'empty' } };

const columns: RenderField[] = [
  { def: product, mode: 'edit' },
  { def: price, mode: 'edit' },
  { def: note, mode: 'edit' },
  // the cost is not editable for this user: the server fills it.
  { def: cost, mode: 'readonly' },
];
const fields: RenderField[] = [
  { def: { key: 'headline', type: 'relation', label: 'Headline', target: 'product' }, mode: 'edit' },
  { def: { key: 'items', type: 'sub_table', label: 'Lines', fields: [product, price, note, cost] }, mode: 'edit', columns },
];

// the product as a sales rep reads it: no cost.
const server: RecordValue = { id: 7, name: 'Server', unit_price: '1000.00' };

describe('fills', () => {
  it('previews only the fields the user may edit', () => {
    expect(fillsFrom(columns, 'product').map((f) => f.key)).toEqual(['unit_price', 'note']);
  });

  it('sets what the source shows, keeps a value filled only when empty', () => {
    const out = applyFills({ product: 7, unit_price: '5.00', note: 'mine' }, [price, note, cost], server);
    expect(out).toEqual({ product: 7, unit_price: '1000.00', note: 'mine' });
    expect(applyFills({ product: 7 }, [note], server)).toEqual({ product: 7, note: 'Server' });
  });

  it('fills the row whose product was picked, while it is still picked', () => {
    const rows = [{ qty: 1 }, { product: 7, qty: 2 }];
    const p = fillPreview(fields, {}, 'items', rows, '/1/product')!;
    expect(p).toMatchObject({ target: 'product', id: 7 });
    const after = p.apply({ items: rows }, server);
    expect((after.items as RecordValue[])[1]).toEqual({ product: 7, qty: 2, unit_price: '1000.00', note: 'Server' });
    expect((after.items as RecordValue[])[0]).toEqual({ qty: 1 });
    // the user picked another product before the answer came: nothing changes.
    const moved = { items: [{ qty: 1 }, { product: 8, qty: 2 }] };
    expect(p.apply(moved, server)).toBe(moved);
    // the user typed a price before the answer came: it stays theirs.
    const typed = p.apply({ items: [{ qty: 1 }, { product: 7, qty: 2, unit_price: '900.00' }] }, server);
    expect((typed.items as RecordValue[])[1]).toEqual({ product: 7, qty: 2, unit_price: '900.00', note: 'Server' });
  });

  it('asks for nothing when the change fills nothing', () => {
    expect(fillPreview(fields, {}, 'items', [{ qty: 3 }], '/0/qty')).toBeNull();
    expect(fillPreview(fields, {}, 'headline', 7)).toBeNull();
    expect(fillPreview(fields, {}, 'items', [{ product: null }], '/0/product')).toBeNull();
  });
});
