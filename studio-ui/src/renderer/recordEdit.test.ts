import { describe, expect, it } from 'vitest';
import type { FieldDef, JSONSchema } from '../api/types';
import { orderDef, orderSchema } from './fixtures';
import { changedPayload, editValues } from './recordEdit';
import { renderFields } from './recordModel';

const files: FieldDef = { key: 'files', type: 'attachment', label: 'Files 附件' };
const defs = [...orderDef.fields, files];
const props = orderSchema.properties as Record<string, JSONSchema>;
// The rep may read the phone but not change it; files are theirs to change.
const { phone: _phone, ...writable } = props;
const schema: JSONSchema = {
  ...orderSchema,
  properties: { ...writable, files: { type: ['array', 'null'], 'x-type': 'attachment' } },
  'x-read-only': ['phone'],
};
const fields = renderFields(defs, schema);

const stored = {
  id: 5,
  row_version: 3,
  number: 'SO-00005',
  customer: 'Acme',
  phone: '+86 21 5555 0000',
  order_date: '2026-11-20',
  kind: 'standard',
  discount: 0.1,
  items: [{ id: 41, qty: 2, unit_price: 100, line_total: 200 }],
  subtotal: 200,
  amount: 180,
  files: [{ id: 'f1', name: 'spec.pdf', size: 10, type: 'application/pdf' }],
};

describe('editValues', () => {
  it('starts from the stored fields, without the system columns', () => {
    const v = editValues(defs, stored);
    expect(v.customer).toBe('Acme');
    expect(v.items).toEqual(stored.items);
    expect(v).not.toHaveProperty('row_version');
    expect(v).not.toHaveProperty('id');
  });

  it('gives a sub-table the user cannot see no rows rather than nothing', () => {
    expect(editValues(defs, { customer: 'x' }).items).toEqual([]);
  });
});

describe('changedPayload', () => {
  const shown = { contract_required: false };

  it('sends nothing when nothing changed', () => {
    expect(changedPayload(fields, editValues(defs, stored), stored, shown)).toEqual({});
  });

  it('sends only the fields the user changed', () => {
    const v = { ...editValues(defs, stored), customer: 'Acme 上海' };
    expect(changedPayload(fields, v, stored, shown)).toEqual({ customer: 'Acme 上海' });
  });

  it('sends null for a field the user emptied', () => {
    const v = { ...editValues(defs, stored), discount: null };
    expect(changedPayload(fields, v, stored, shown)).toEqual({ discount: null });
  });

  it('never sends a read-only or computed field, even if its value moved', () => {
    const v = { ...editValues(defs, stored), phone: '1', number: 'SO-9', amount: 1 };
    expect(changedPayload(fields, v, stored, shown)).toEqual({});
  });

  it('sends changed lines with the ids they were read with, and without their formulas', () => {
    const v = { ...editValues(defs, stored), items: [{ ...stored.items[0], qty: 3 }, { qty: 1, unit_price: 5 }] };
    expect(changedPayload(fields, v, stored, shown)).toEqual({
      items: [
        { id: 41, qty: 3, unit_price: '100.00' },
        { qty: 1, unit_price: '5.00' },
      ],
    });
  });

  it('sends attachments as file ids, old ones kept and new ones added', () => {
    const v = { ...editValues(defs, stored), files: [...stored.files, 'f2'] };
    expect(changedPayload(fields, v, stored, shown)).toEqual({ files: ['f1', 'f2'] });
    const same = { ...editValues(defs, stored), files: ['f1'] };
    expect(changedPayload(fields, same, stored, shown)).toEqual({});
  });

  it('leaves out a field its visibility rule hides', () => {
    const v = { ...editValues(defs, stored), contract_required: true };
    expect(changedPayload(fields, v, stored, shown)).toEqual({});
    expect(changedPayload(fields, v, stored, {})).toEqual({ contract_required: true });
  });
});
