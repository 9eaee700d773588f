import { describe, expect, it } from 'vitest';
import { buildChart, numberOf } from './chartOption';
import type { Result } from './types';

const result: Result = {
  report: 'sales',
  title: 'Sales',
  level: 0,
  params: {},
  columns: [
    { key: 'month', label: 'Month', role: 'dimension', type: 'bucket' },
    { key: 'region', label: 'Region', role: 'dimension', type: 'select' },
    { key: 'revenue', label: 'Revenue', role: 'measure', type: 'money' },
    { key: 'orders', label: 'Orders', role: 'measure', type: 'integer' },
  ],
  rows: [
    { values: { month: '2026-01', region: 'east', revenue: '100.50', orders: 2 }, labels: { region: 'East' } },
    { values: { month: '2026-01', region: null, revenue: '10.00', orders: 1 } },
    { values: { month: '2026-02', region: 'east', revenue: '300.00', orders: 3 }, labels: { region: 'East' } },
  ],
};
const texts = { none: '(none)' };

describe('chart options', () => {
  it('draws one series per value of the second dimension, exact numbers as numbers', () => {
    const m = buildChart(result, { type: 'bar', x: 'month', y: ['revenue'] }, texts);
    const o = m.option as { xAxis: { data: string[] }; series: { name: string; type: string; data: (number | null)[] }[] };
    expect(o.xAxis.data).toEqual(['2026-01', '2026-02']);
    expect(o.series.map((s) => [s.name, s.type, s.data])).toEqual([
      ['East', 'bar', [100.5, 300]],
      ['(none)', 'bar', [10, null]],
    ]);
    // a click on the second month's East bar is those two values, as the result gives them
    expect(m.clickAt(0, 1)).toEqual({ month: '2026-02', region: 'east' });
    expect(m.clickAt(1, 0)).toEqual({ month: '2026-01', region: null });
    expect(m.measureAt(0)).toBe('revenue');
  });

  it('draws a series per measure over one dimension, as an area when asked', () => {
    const one: Result = { ...result, columns: result.columns.filter((c) => c.key !== 'region'), rows: [result.rows[0], result.rows[2]] };
    const m = buildChart(one, { type: 'area', stacked: true }, texts);
    const o = m.option as { series: { name: string; type: string; stack?: string; areaStyle?: object }[]; legend?: object };
    expect(o.series.map((s) => [s.name, s.type, s.stack, !!s.areaStyle])).toEqual([
      ['Revenue', 'line', 'total', true],
      ['Orders', 'line', 'total', true],
    ]);
    expect(o.legend).toBeDefined();
    expect(m.clickAt(1, 1)).toEqual({ month: '2026-02' });
    expect(m.measureAt(1)).toBe('orders');
  });

  it('draws slices of a pie with their labels and leaves tables and numbers to HTML', () => {
    const m = buildChart(result, { type: 'pie', x: 'region', y: ['orders'] }, texts);
    const o = m.option as { series: { type: string; data: { name: string; value: number }[] }[] };
    expect(o.series[0].type).toBe('pie');
    expect(o.series[0].data).toEqual([
      { name: 'East', value: 2 },
      { name: '(none)', value: 1 },
      { name: 'East', value: 3 },
    ]);
    expect(m.clickAt(0, 1)).toEqual({ region: null });
    expect(buildChart(result, { type: 'table' }, texts).option).toBeNull();
    expect(buildChart(result, { type: 'kpi' }, texts).option).toBeNull();
  });

  it('draws a funnel of the measures when nothing is grouped', () => {
    const stages: Result = {
      ...result,
      columns: [
        { key: 'leads', label: 'Leads', role: 'measure', type: 'integer' },
        { key: 'won', label: 'Won', role: 'measure', type: 'integer' },
      ],
      rows: [{ values: { leads: 10, won: 3 } }],
    };
    const o = buildChart(stages, { type: 'funnel', y: ['leads', 'won'] }, texts).option as { series: { type: string; data: object[] }[] };
    expect(o.series[0].type).toBe('funnel');
    expect(o.series[0].data).toEqual([
      { name: 'Leads', value: 10 },
      { name: 'Won', value: 3 },
    ]);
  });

  it('reads numbers the way the API sends them', () => {
    expect([numberOf('1234.50'), numberOf(3), numberOf(null), numberOf('x')]).toEqual([1234.5, 3, null, null]);
  });
});
