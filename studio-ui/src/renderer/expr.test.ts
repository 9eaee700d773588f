import { describe, expect, it } from 'vitest';
import { ExprError, run } from './expr';

const order = {
  items: [
    { qty: 2, unit_price: 10.5, line_total: 21 },
    { qty: 1, unit_price: 100, line_total: 100 },
  ],
  discount: 0.1,
  subtotal: 121,
  amount: 250000,
  region: 'east',
  due: new Date(Date.UTC(2026, 0, 31)),
  start: new Date(Date.UTC(2026, 0, 1)),
  missing: null,
  name: 'Acme 上海',
};

describe('run', () => {
  it.each([
    ['qty * unit_price', { qty: 3, unit_price: 2.5 }, 7.5],
    ['sum(items, .line_total)', order, 121],
    ['sum(items, #.qty * #.unit_price)', order, 121],
    ['subtotal * (1 - discount)', order, 108.9],
    ['amount > 100000', order, true],
    ['amount > 100000 && region == "east"', order, true],
    ['amount > 100000 and region in ["north", "south"]', order, false],
    ['region not in ["north"]', order, true],
    ['not (amount > 1)', order, false],
    ['due >= start', order, true],
    ['missing == nil || missing > 1', order, true],
    ['len(items)', order, 2],
    ['count(items, .qty > 1)', order, 1],
    ['amount > 100 ? "big" : "small"', order, 'big'],
    ['2 ** 3 ** 2', {}, 512],
    ['-2 ** 2', {}, -4],
    ['7 % 3 + 10 / 4', {}, 3.5],
    ['round(2.5) + round(-2.5)', {}, 0],
    ['upper(name) + "!"', order, 'ACME 上海!'],
    ['name startsWith "Acme"', order, true],
    ['missing ?? 5', order, 5],
    ['items[1].qty', order, 1],
    ['items[-1].line_total', order, 100],
    ['max(1, 5, 3) - min([4, 2])', {}, 3],
    ["'single' + `raw`", {}, 'singleraw'],
    ['1_000 * 2', {}, 2000],
  ])('%s', (src, env, want) => {
    expect(run(src, env as Record<string, unknown>)).toEqual(want);
  });

  it.each([
    ['qty *', 'ends too soon'],
    ['qty + ', 'ends too soon'],
    ['(qty', 'expected ")"'],
    ['unknown_field + 1', 'unknown name'],
    ['date("2026-01-01")', 'computed by the server'],
    ['qty / 0', 'division by zero'],
    ['"a" < 1', 'cannot be compared'],
    ['qty @ 2', 'unexpected "@"'],
  ])('%s fails: %s', (src, msg) => {
    expect(() => run(src, { qty: 2 })).toThrow(ExprError);
    expect(() => run(src, { qty: 2 })).toThrow(msg);
  });

  it('evaluates today() as the start of the day in UTC', () => {
    const d = run('today()', {}) as Date;
    expect(d.getUTCHours()).toBe(0);
  });
});
