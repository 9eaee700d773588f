import { describe, expect, it } from 'vitest';
import { computeFormulas, initialValues, renderFields, toPayload, visibility } from './recordModel';
import { orderDef, orderSchema } from './fixtures';

const rep = { id: 7, email: 'rep@example.com', name: 'Rep' };

describe('renderFields', () => {
  it('shows what the schema names, computed fields read-only, and hides the rest', () => {
    const fields = renderFields(orderDef.fields, orderSchema);
    expect(fields.map((f) => `${f.def.key}:${f.mode}`)).toEqual([
      'number:computed',
      'customer:edit',
      'phone:edit',
      'order_date:edit',
      'kind:edit',
      'items:edit',
      'discount:edit',
      'subtotal:computed',
      'amount:computed',
      'contract_required:edit',
    ]);
    expect(fields.find((f) => f.def.key === 'items')!.columns!.map((c) => `${c.def.key}:${c.mode}`)).toEqual(['qty:edit', 'unit_price:edit', 'line_total:computed']);
  });

  it('shows every field of a draft without a schema', () => {
    expect(renderFields(orderDef.fields, undefined).map((f) => f.def.key)).toContain('margin');
  });
});

describe('computeFormulas', () => {
  it('fills each row, then the record, in the server order', () => {
    const { values, pending } = computeFormulas(orderDef, orderSchema, {
      items: [
        { qty: 3, unit_price: 19.99 },
        { qty: 1, unit_price: 100 },
      ],
      discount: 0.1,
    });
    expect((values.items as { line_total: number }[]).map((r) => r.line_total)).toEqual([59.97, 100]);
    expect(values.subtotal).toBe(159.97);
    expect(values.amount).toBe(143.97);
    expect(pending).toEqual({});
  });

  it('reads empty numbers as zero, as the server does', () => {
    const { values } = computeFormulas(orderDef, orderSchema, { items: [{ qty: 2 }] });
    expect(values.amount).toBe(0);
  });

  it('leaves to the server what it cannot compute, and says why', () => {
    const { values, pending } = computeFormulas(orderDef, undefined, { items: [] });
    expect(values.margin).toBeNull();
    expect(pending['/margin']).toMatch(/unknown name cost/);
  });
});

describe('visibility, defaults and the body to send', () => {
  it('shows a field when its condition holds', () => {
    const { values } = computeFormulas(orderDef, orderSchema, { items: [{ qty: 2, unit_price: 60000 }] });
    expect(visibility(orderDef, values).contract_required).toBe(true);
    expect(visibility(orderDef, { ...values, amount: 10 }).contract_required).toBe(false);
  });

  it('starts a record with its defaults', () => {
    const v = initialValues(orderDef, rep);
    expect(v.order_date).toBe(new Date().toISOString().slice(0, 10));
    expect(v.kind).toBe('standard');
    expect(v.items).toEqual([]);
  });

  it('sends only what the user may write and sees, decimals exact', () => {
    const fields = renderFields(orderDef.fields, orderSchema);
    const body = toPayload(
      fields,
      { number: 'x', customer: 'Acme', phone: '', items: [{ qty: 2, unit_price: 19.9, line_total: 39.8 }], discount: 0.1, amount: 1, contract_required: true },
      { contract_required: false },
    );
    expect(body).toEqual({ customer: 'Acme', items: [{ qty: 2, unit_price: '19.90' }], discount: '0.1000' });
  });

  it('sends a stored row back with its id and what the user emptied, so the server keeps what they do not see', () => {
    const fields = renderFields(orderDef.fields, orderSchema);
    const body = toPayload(fields, { customer: 'Acme', items: [{ id: 4, qty: 2, unit_cost: '9.00' }, { qty: 1, unit_price: 3 }] }, {});
    expect(body.items).toEqual([
      { id: 4, qty: 2, unit_price: null },
      { qty: 1, unit_price: '3.00' },
    ]);
  });
});
