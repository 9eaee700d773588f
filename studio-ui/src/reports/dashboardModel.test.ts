import { describe, expect, it } from 'vitest';
import { addFilter, addWidget, bindWidget, moveWidget, newDashboard, overlaps, removeFilter } from './dashboardModel';

describe('dashboard layout', () => {
  it('places widgets side by side, then below', () => {
    let d = newDashboard('sales', 'Sales');
    d = addWidget(d, 'revenue');
    d = addWidget(d, 'orders');
    d = addWidget(d, 'revenue', 12, 3);
    expect(d.widgets.map((w) => [w.key, w.x, w.y, w.w, w.h])).toEqual([
      ['revenue', 0, 0, 6, 4],
      ['orders', 6, 0, 6, 4],
      ['revenue_2', 0, 4, 12, 3],
    ]);
    expect(overlaps(d)).toEqual([]);
  });

  it('moves and resizes by cells, kept on the grid', () => {
    let d = addWidget(addWidget(newDashboard('d', 'D'), 'a'), 'b');
    d = moveWidget(d, 'a', 3, 0);
    expect(overlaps(d)).toEqual([['a', 'b']]);
    d = moveWidget(d, 'a', 20, -5, 2, 1);
    expect(d.widgets[0]).toMatchObject({ x: 4, y: 0, w: 8, h: 5 });
    d = moveWidget(d, 'b', 0, 0, -10, -10);
    expect(d.widgets[1]).toMatchObject({ w: 1, h: 1 });
  });

  it('binds shared filters and forgets the bindings of a removed one', () => {
    let d = addWidget(newDashboard('d', 'D'), 'revenue');
    d = { ...d, filters: addFilter(d, 'Period', 'date_range') };
    expect(d.filters).toEqual([{ key: 'period', label: 'Period', type: 'date_range' }]);
    d = { ...d, widgets: [bindWidget(d.widgets[0], 'period', { param: 'from', to: 'to' })] };
    expect(d.widgets[0].bind).toEqual({ period: { param: 'from', to: 'to' } });
    d = removeFilter(d, 'period');
    expect(d.filters).toEqual([]);
    expect(d.widgets[0].bind).toBeUndefined();
  });
});
