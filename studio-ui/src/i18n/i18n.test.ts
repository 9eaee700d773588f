import { describe, expect, it } from 'vitest';
import { en } from './en';
import { zh } from './zh';
import { formats, interpolate, translate } from './index';

const placeholders = (s: string) => [...s.matchAll(/\{(\w+)\}/g)].map((m) => m[1]).sort();

describe('messages', () => {
  it('are all translated, with the same placeholders', () => {
    for (const key of Object.keys(en) as (keyof typeof en)[]) {
      expect(zh[key], key).toBeTruthy();
      // note: the auto-number format hint shows the format's own braces.
      if (key === 'prop.formatHint') continue;
      expect(placeholders(zh[key]), key).toEqual(placeholders(en[key]));
    }
  });

  it('fill their placeholders', () => {
    expect(translate('zh', 'designer.liveVersion', { n: 3 })).toBe('已发布 v3');
    expect(interpolate('{a} and {b}', { a: 1 })).toBe('1 and {b}');
  });
});

describe('formats', () => {
  it('write money, dates and percentages the local way', () => {
    expect(formats('zh').money(1234567.5)).toBe('¥1,234,567.50');
    expect(formats('en').money(1234567.5, 'USD')).toBe('$1,234,567.50');
    expect(formats('zh').date('2026-03-01')).toBe('2026年3月1日');
    expect(formats('en').date('2026-03-01')).toBe('Mar 1, 2026');
    expect(formats('zh').percent(0.155, 4)).toBe('15.5%');
  });
});
