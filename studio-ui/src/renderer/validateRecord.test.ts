import { describe, expect, it } from 'vitest';
import { computeFormulas, visibility } from './recordModel';
import { validateRecord } from './validateRecord';
import { orderDef, orderSchema } from './fixtures';

function check(values: Record<string, unknown>) {
  const { values: computed } = computeFormulas(orderDef, orderSchema, values);
  const errs = validateRecord(orderDef, orderSchema, computed, visibility(orderDef, computed));
  return Object.fromEntries(Object.entries(errs).map(([k, v]) => [k, v.text ?? v.code]));
}

describe('validateRecord', () => {
  it('passes a good order', () => {
    expect(check({ customer: 'Acme', items: [{ qty: 1, unit_price: 10 }], phone: '+86 21 5555-0100' })).toEqual({});
  });

  it('finds what the server would refuse, by the same paths', () => {
    expect(
      check({
        customer: 'A'.repeat(21),
        phone: 'call me',
        items: [{ qty: 0, unit_price: 1.234 }, { unit_price: 5 }],
        discount: 0.6,
        kind: 'express',
      }),
    ).toEqual({
      '/customer': 'check.maxLength',
      '/phone': 'check.phone',
      '/items/0/qty': 'check.minimum',
      '/items/0/unit_price': 'check.scale',
      '/items/1/qty': 'check.required',
      '/discount': 'check.maximum',
      '/kind': 'check.option',
    });
  });

  it('asks for required values, but not for those with a default', () => {
    expect(check({})).toEqual({ '/customer': 'check.required', '/items': 'check.required' });
  });

  it('checks the form rules on the computed values', () => {
    expect(check({ customer: 'Acme', kind: 'urgent', items: [{ qty: 10, unit_price: 60000 }] })).toEqual({
      '/kind': 'Urgent orders stay under 500,000 加急订单需低于 50 万',
    });
  });
});
