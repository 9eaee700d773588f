import { describe, expect, it } from 'vitest';
import { captionOf } from './DrillDrawer';

const result = {
  columns: [
    { key: 'region', label: 'Region 区域' },
    { key: 'type', label: 'Order type 订单类型' },
  ],
  rows: [{ values: { region: 'north', type: 'standard' }, labels: { region: 'North 华北', type: 'Standard 标准订单' } }],
};
// the i18n's pick of one language out of a bilingual label
const zh = (s: string) => s.split(' ').filter((w) => /[^\x00-\x7f]/.test(w)).join(' ') || s;

describe('captionOf', () => {
  it('reads a click by its dimensions and values, in the viewer’s language', () => {
    expect(captionOf(result, { values: { region: 'north', type: 'standard' } }, '(none)', zh)).toBe('区域: 华北 · 订单类型: 标准订单');
  });
  it('names an empty value and keeps unlabelled ones as they are', () => {
    expect(captionOf(result, { values: { region: null } }, '(none)', zh)).toBe('区域: (none)');
    expect(captionOf(result, { values: { region: 'south' } }, '(none)')).toBe('Region 区域: south');
  });
});
