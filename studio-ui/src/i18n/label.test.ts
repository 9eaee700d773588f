import { describe, expect, it } from 'vitest';
import { localLabel, splitLabel } from './label';

describe('localLabel', () => {
  it.each([
    ['Customer name 客户名称', 'zh', '客户名称'],
    ['Customer name 客户名称', 'en', 'Customer name'],
    ['A – key account 重点客户', 'en', 'A – key account'],
    ['A – key account 重点客户', 'zh', '重点客户'],
    ['Order number', 'zh', 'Order number'],
    ['客户名称', 'en', '客户名称'],
    ['', 'zh', ''],
  ] as const)('%s in %s is %s', (label, lang, want) => {
    expect(localLabel(label, lang)).toBe(want);
  });

  it('keeps a Chinese label with a latin word inside whole', () => {
    expect(splitLabel('使用 API 的客户')).toBeNull();
  });

  it('keeps short latin codes in the Chinese half', () => {
    expect(splitLabel('VAT number 增值税 VAT 号')).toEqual({ en: 'VAT number', zh: '增值税 VAT 号' });
  });
});
