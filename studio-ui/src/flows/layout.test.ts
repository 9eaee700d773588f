import { describe, expect, it } from 'vitest';
import { layers, layout, nodeWidth } from './layout';
import { orderFlow } from './fixtures';

describe('layers', () => {
  it('puts each node below the deepest node leading to it', () => {
    const l = layers(orderFlow());
    expect(Object.fromEntries(l)).toEqual({
      start: 0,
      route: 1,
      both: 2,
      director: 2,
      sales: 3,
      finance: 3,
      joined: 4,
      approved: 5,
      rejected: 4,
    });
  });

  it('ignores an edge that leads back, so a loop still has layers', () => {
    const def = orderFlow();
    def.nodes[6].approval!.on_reject = 'route';
    const l = layers(def);
    expect(l.get('route')).toBe(1);
    expect(l.get('director')).toBe(2);
  });

  it('gives nodes no edge reaches a place too', () => {
    const def = orderFlow();
    def.nodes.push({ id: 'alone', type: 'wait', wait: { duration: '1d' } });
    expect(layers(def).get('alone')).toBe(0);
  });
});

describe('layout', () => {
  it('places nodes of one layer side by side without overlap', () => {
    const pos = layout(orderFlow());
    expect(pos.sales.y).toBe(pos.finance.y);
    expect(Math.abs(pos.sales.x - pos.finance.x)).toBeGreaterThanOrEqual(nodeWidth);
    expect(pos.route.y).toBeGreaterThan(pos.start.y);
    expect(pos.approved.y).toBeGreaterThan(pos.joined.y);
  });

  it('orders a layer by where the nodes leading to it stand', () => {
    const pos = layout(orderFlow());
    // both comes before director in the layer, so sales and finance (from
    // both) sit left of anything reached from director.
    expect(pos.both.x).toBeLessThan(pos.director.x);
    expect(pos.sales.x).toBeLessThan(pos.finance.x);
  });
});
