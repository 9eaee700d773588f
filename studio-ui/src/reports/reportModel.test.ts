import { describe, expect, it } from 'vitest';
import type { FormDefinition } from '../api/types';
import {
  addCount,
  dropField,
  fieldsOf,
  filterRowFor,
  fromDefinition,
  newReport,
  parseFilter,
  removePart,
  setChartType,
  toDefinition,
  updatePart,
  type FieldInfo,
} from './reportModel';

const customer: FormDefinition = {
  kind: 'form',
  key: 'customer',
  title: 'Customer',
  fields: [
    { key: 'name', type: 'text', label: 'Name' },
    { key: 'region', type: 'select', label: 'Region' },
  ],
};
const order: FormDefinition = {
  kind: 'form',
  key: 'order',
  title: 'Order',
  fields: [
    { key: 'customer', type: 'relation', label: 'Customer', target: 'customer' },
    { key: 'order_date', type: 'date', label: 'Order date' },
    { key: 'region', type: 'select', label: 'Region' },
    { key: 'items', type: 'sub_table', label: 'Lines', fields: [] },
    { key: 'amount', type: 'formula', label: 'Amount', result: 'money', formula: 'subtotal' },
  ],
};
const field = (path: string): FieldInfo => fieldsOf(order, { customer }).find((f) => f.path === path)!;

describe('the fields a report can use', () => {
  it('lists the source fields, then the related form fields by path, without lists', () => {
    expect(fieldsOf(order, { customer }).map((f) => `${f.path}:${f.type}`)).toEqual([
      'customer:relation',
      'order_date:date',
      'region:select',
      'amount:money',
      'customer.name:text',
      'customer.region:select',
    ]);
  });
});

describe('dropping fields', () => {
  it('builds revenue by month as a bar chart with a drill path', () => {
    let def = newReport('revenue', 'Revenue', 'order');
    def = dropField(def, 'dimensions', field('order_date'));
    def = dropField(def, 'measures', field('amount'));
    def = addCount(def);
    def = dropField(def, 'drill', field('customer.region'));
    expect(def.dimensions).toEqual([{ key: 'order_date', field: 'order_date', bucket: 'month' }]);
    expect(def.measures).toEqual([
      { key: 'amount', label: 'Amount', agg: 'sum', field: 'amount' },
      { key: 'records', agg: 'count' },
    ]);
    expect(def.drill).toEqual([{ key: 'region', field: 'customer.region' }]);
    expect(def.chart).toEqual({ type: 'bar' });
  });

  it('gives each part a key of its own and counts distinct values of a text', () => {
    let def = newReport('r', 'R', 'order');
    def = dropField(def, 'dimensions', field('region'));
    def = dropField(def, 'dimensions', field('customer.region'));
    def = dropField(def, 'measures', field('customer.name'));
    expect(def.dimensions!.map((d) => d.key)).toEqual(['region', 'region_2']);
    expect(def.measures[0]).toEqual({ key: 'name_count', label: 'Customer · Name', agg: 'count_distinct', field: 'customer.name' });
  });

  it('keeps the chart pointing at parts that exist', () => {
    let def = newReport('r', 'R', 'order');
    def = dropField(def, 'dimensions', field('region'));
    def = dropField(def, 'measures', field('amount'));
    def = { ...def, chart: { type: 'bar', x: 'region', y: ['amount'] }, sort: [{ key: 'amount', desc: true }] };
    def = removePart(def, 'measures', 'amount');
    expect(def.chart).toEqual({ type: 'bar', x: 'region' });
    expect(def.sort).toBeUndefined();
    def = removePart(def, 'dimensions', 'region');
    expect(def.chart).toEqual({ type: 'bar' });
    expect(setChartType(def, 'pie').chart).toEqual({ type: 'pie' });
  });

  it('changes an aggregate and a bucket in place', () => {
    let def = dropField(dropField(newReport('r', 'R', 'order'), 'measures', field('amount')), 'dimensions', field('order_date'));
    def = updatePart(def, 'measures', 'amount', { agg: 'avg', label: 'Average' });
    def = updatePart(def, 'dimensions', 'order_date', { bucket: 'quarter' });
    expect(def.measures[0]).toEqual({ key: 'amount', agg: 'avg', field: 'amount', label: 'Average' });
    expect(def.dimensions![0].bucket).toBe('quarter');
  });
});

describe('filters', () => {
  it('writes rows into the filter language and reads them back', () => {
    let s = fromDefinition(newReport('r', 'R', 'order'));
    s = { ...s, filters: [{ ...filterRowFor(field('region')), value: 'east' }, { field: 'amount', op: '>=', value: 1000 }] };
    const def = toDefinition(s);
    expect(def.filter).toBe('region == "east" && amount >= 1000');
    expect(fromDefinition(def).filters).toEqual(s.filters);
  });

  it('keeps what the rows cannot show as an expression', () => {
    expect(parseFilter('status == "approved" && (params.from == nil || order_date >= params.from)')).toEqual({
      rows: [{ field: 'status', op: '==', value: 'approved' }],
      expr: 'params.from == nil || order_date >= params.from',
    });
    const s = fromDefinition({ ...newReport('r', 'R', 'order'), filter: 'x in ["a"]' });
    expect(s.filters).toEqual([]);
    expect(toDefinition(s).filter).toBe('x in ["a"]');
    expect(toDefinition({ ...s, expr: '' }).filter).toBeUndefined();
  });
});
