// A small order form and its record schema as the server gives them (GET
// /api/v1/forms/{form}), for the renderer's tests.

import type { FormDefinition, JSONSchema } from '../api/types';

export const orderDef: FormDefinition = {
  kind: 'form',
  key: 'order',
  title: 'Sales order 销售订单',
  fields: [
    { key: 'number', type: 'auto_number', label: 'Order number 订单编号', format: 'SO-{seq:5}', read_only: true },
    { key: 'customer', type: 'text', label: 'Customer 客户', required: true, max_length: 20 },
    { key: 'phone', type: 'phone', label: 'Phone 电话' },
    { key: 'order_date', type: 'date', label: 'Order date 下单日期', required: true, default: 'today()' },
    { key: 'kind', type: 'select', label: 'Type 类型', default: '"standard"', options: [{ value: 'standard', label: 'Standard 标准' }, { value: 'urgent', label: 'Urgent 加急' }] },
    {
      key: 'items',
      type: 'sub_table',
      label: 'Lines 明细',
      required: true,
      fields: [
        { key: 'qty', type: 'integer', label: 'Qty 数量', required: true, min: 1 },
        { key: 'unit_price', type: 'money', label: 'Unit price 单价', required: true, min: 0 },
        { key: 'line_total', type: 'formula', label: 'Line total 小计', formula: 'qty * unit_price', result: 'money' },
      ],
    },
    { key: 'discount', type: 'percent', label: 'Discount 折扣', min: 0, max: 0.5 },
    { key: 'subtotal', type: 'formula', label: 'Subtotal 小计', formula: 'sum(items, .line_total)', result: 'money' },
    { key: 'amount', type: 'formula', label: 'Amount 金额', formula: 'subtotal * (1 - discount)', result: 'money' },
    { key: 'contract_required', type: 'boolean', label: 'Contract required 需签合同', visible_if: 'amount > 100000' },
    { key: 'margin', type: 'formula', label: 'Margin 毛利', formula: 'amount - cost', result: 'money' },
  ],
  rules: [{ key: 'urgent_small', expr: 'kind != "urgent" || amount < 500000', message: 'Urgent orders stay under 500,000 加急订单需低于 50 万', field: 'kind' }],
};

const money = { type: ['number', 'string'], pattern: '^[+-]?([0-9]+(\\.[0-9]{0,2})?|\\.[0-9]{1,2})0*$', 'x-scale': 2, 'x-type': 'money' };

/** The record schema of orderDef for a sales rep: margin is hidden. */
export const orderSchema: JSONSchema = {
  type: 'object',
  additionalProperties: false,
  properties: {
    customer: { type: 'string', minLength: 1, maxLength: 20, title: 'Customer 客户', 'x-type': 'text', 'x-required': true },
    phone: { type: ['string', 'null'], pattern: '^\\+?[0-9][0-9 ()\\-]{4,30}$', title: 'Phone 电话', 'x-type': 'phone' },
    order_date: { type: ['string', 'null'], format: 'date', 'x-type': 'date', 'x-required': true, 'x-default': 'today()' },
    kind: { type: ['string', 'null'], enum: ['standard', 'urgent', null], 'x-type': 'select', 'x-default': '"standard"' },
    items: {
      type: 'array',
      minItems: 1,
      maxItems: 1000,
      'x-type': 'sub_table',
      'x-required': true,
      items: {
        type: 'object',
        properties: {
          id: {},
          qty: { type: 'integer', minimum: 1, 'x-type': 'integer', 'x-required': true },
          unit_price: { ...money, minimum: 0, 'x-required': true },
        },
        required: ['qty', 'unit_price'],
        'x-computed': ['line_total'],
        'x-formulas': [{ key: 'line_total', formula: 'qty * unit_price', result: 'money' }],
      },
    },
    discount: { type: ['number', 'string', 'null'], minimum: 0, maximum: 0.5, 'x-scale': 4, 'x-type': 'percent' },
    contract_required: { type: ['boolean', 'null'], 'x-type': 'boolean', 'x-visible-if': 'amount > 100000' },
  },
  required: ['customer', 'items'],
  'x-computed': ['number', 'subtotal', 'amount'],
  'x-read-only': [],
  'x-formulas': [
    { key: 'subtotal', formula: 'sum(items, .line_total)', result: 'money' },
    { key: 'amount', formula: 'subtotal * (1 - discount)', result: 'money' },
  ],
  'x-rules': [{ key: 'urgent_small', expr: 'kind != "urgent" || amount < 500000', message: 'Urgent orders stay under 500,000 加急订单需低于 50 万', field: 'kind' }],
};
