import { describe, expect, it } from 'vitest';
import { checkFieldKey, keyFromLabel, slugify } from './keys';

describe('keyFromLabel', () => {
  it.each([
    ['Customer name 客户名称', 'customer_name'],
    ['Unit price (CNY)', 'unit_price_cny'],
    ['  Déjà vu!  ', 'deja_vu'],
    ['2nd contact', 'f_2nd_contact'],
    ['客户名称', 'text'],
    ['', 'text'],
  ])('%s → %s', (label, want) => {
    expect(keyFromLabel(label, [], 'text')).toBe(want);
  });

  it('avoids the keys of siblings', () => {
    expect(keyFromLabel('Qty', ['qty'], 'integer')).toBe('qty_2');
    expect(keyFromLabel('Qty', ['qty', 'qty_2'], 'integer')).toBe('qty_3');
  });

  it('avoids words the server reserves', () => {
    expect(keyFromLabel('Order', [], 'text')).toBe('order_2');
    expect(keyFromLabel('Sum', [], 'text')).toBe('sum_2');
    expect(keyFromLabel('User', [], 'user')).toBe('user_2');
  });

  it('stays within 48 characters', () => {
    const k = keyFromLabel('a'.repeat(60), ['a'.repeat(48)], 'text');
    expect(k.length).toBeLessThanOrEqual(48);
    expect(checkFieldKey(k)).toBeNull();
  });
});

describe('checkFieldKey', () => {
  it.each([
    ['amount', null],
    ['Amount', 'key.invalid'],
    ['1st', 'key.invalid'],
    ['a__b', 'key.doubleUnderscore'],
    ['created_at', 'key.reserved'],
  ])('%s → %s', (key, want) => {
    expect(checkFieldKey(key)).toBe(want);
  });
  it('finds a taken key', () => expect(checkFieldKey('qty', ['qty'])).toBe('key.taken'));
  it('slugifies with a fallback', () => expect(slugify('日期', 'date')).toBe('date'));
});
