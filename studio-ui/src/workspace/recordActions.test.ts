import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../api/types';
import type { Conversion, FormPermissions } from './api';
import { conversionOffer, mayPrint } from './recordActions';

const quote: FormDefinition = {
  kind: 'form',
  key: 'quote',
  title: 'Quote 报价单',
  fields: [
    { key: 'customer', type: 'relation', label: 'Customer 客户', target: 'customer' },
    { key: 'status', type: 'select', label: 'Status 状态', options: [{ value: 'draft', label: 'Draft' }, { value: 'rejected', label: 'Rejected' }] },
    { key: 'secret', type: 'text', label: 'Secret' },
  ],
};

const toOrder: Conversion = {
  key: 'from_quote',
  title: 'Create order 生成订单',
  from: 'quote',
  target: 'order',
  when: 'status != "rejected" && customer != nil',
};

const perms = (form: string, ...actions: string[]): Record<string, FormPermissions> => ({ [form]: { form, actions, fields: {} } });

describe('conversionOffer', () => {
  it('is hidden from a user who may not create the target', () => {
    expect(conversionOffer(toOrder, quote, { id: 1, customer: 3, status: 'draft' }, perms('order', 'read'))).toBeNull();
    expect(conversionOffer(toOrder, quote, { id: 1, customer: 3, status: 'draft' }, {})).toBeNull();
  });

  it('is ready when the condition holds on the record', () => {
    expect(conversionOffer(toOrder, quote, { id: 1, customer: 3, status: 'draft' }, perms('order', 'create'))).toEqual({ state: 'ready' });
  });

  it('is blocked, naming the rule, when the condition is false', () => {
    const rejected = conversionOffer(toOrder, quote, { id: 1, customer: 3, status: 'rejected' }, perms('order', 'create'));
    expect(rejected).toEqual({ state: 'blocked', rule: toOrder.when });
    const noCustomer = conversionOffer(toOrder, quote, { id: 1, customer: null, status: 'draft' }, perms('order', 'create'));
    expect(noCustomer?.state).toBe('blocked');
  });

  it('leaves to the server a rule over a field the user cannot see', () => {
    const cv = { ...toOrder, when: 'secret == "yes"' };
    expect(conversionOffer(cv, quote, { id: 1, status: 'draft' }, perms('order', 'create'))).toEqual({ state: 'ready' });
  });

  it('leaves to the server a rule it cannot run', () => {
    const cv = { ...toOrder, when: 'status ~~~ "x"' };
    expect(conversionOffer(cv, quote, { id: 1, status: 'draft' }, perms('order', 'create'))).toEqual({ state: 'ready' });
  });

  it('offers a conversion without a condition to whoever may create', () => {
    const cv = { ...toOrder, when: undefined };
    expect(conversionOffer(cv, quote, { id: 1 }, perms('order', 'create'))).toEqual({ state: 'ready' });
  });

  it('reads the record id and owner as the server does', () => {
    const cv = { ...toOrder, when: 'owner == user.id' };
    const me = { id: 7, email: 'rep@example.com', name: 'Rep' };
    expect(conversionOffer(cv, quote, { id: 1, owner: 7 }, perms('order', 'create'), me)).toEqual({ state: 'ready' });
    expect(conversionOffer(cv, quote, { id: 1, owner: 8 }, perms('order', 'create'), me)?.state).toBe('blocked');
  });
});

describe('mayPrint', () => {
  it('needs update on the form, since the PDF is stored on the record', () => {
    expect(mayPrint('quote', perms('quote', 'read', 'update'))).toBe(true);
    expect(mayPrint('quote', perms('quote', 'read'))).toBe(false);
    expect(mayPrint('quote', {})).toBe(false);
  });
});
