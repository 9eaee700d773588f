import { describe, expect, it } from 'vitest';
import { placeFlowProblems, problemsAt, relativeFlowPath } from './problems';
import { orderFlow } from './fixtures';

describe('placeFlowProblems', () => {
  it('puts a condition error on its node and its branch edge', () => {
    const placed = placeFlowProblems([{ path: '/nodes/1/branches/0/when', code: 'invalid_expression', message: 'bad', line: 1, column: 3 }], orderFlow());
    expect(placed.nodes.route).toEqual([{ path: '/branches/0/when', code: 'invalid_expression', message: 'bad', line: 1, column: 3 }]);
    expect(Object.keys(placed.edges)).toEqual(['route:branch-0']);
    expect(placed.flow).toEqual([]);
  });

  it('maps references to edges and settings to nodes only', () => {
    const placed = placeFlowProblems(
      [
        { path: '/nodes/3/approval/on_reject', message: 'unknown node' },
        { path: '/nodes/2/targets/1', message: 'twice' },
        { path: '/nodes/4/approval/assignees/0/value', message: 'no such role' },
        { path: '/nodes/0/next', message: 'missing' },
      ],
      orderFlow(),
    );
    expect(Object.keys(placed.edges).sort()).toEqual(['both:target-1', 'sales:reject', 'start:next']);
    expect(placed.nodes.finance).toEqual([{ path: '/approval/assignees/0/value', message: 'no such role' }]);
  });

  it('keeps problems of the flow as a whole, and strips the publish prefix', () => {
    const placed = placeFlowProblems(
      [
        { path: '/form', message: 'no form' },
        { path: '/nodes', message: 'no end' },
        { path: '/flow/order_approval/nodes/7/outcome', message: 'bad outcome' },
        { path: '/nodes/99/next', message: 'gone since' },
      ],
      orderFlow(),
    );
    expect(placed.flow.map((p) => p.path)).toEqual(['/form', '/nodes', '/nodes/99/next']);
    expect(placed.nodes.approved).toEqual([{ path: '/outcome', message: 'bad outcome' }]);
  });

  it('relativeFlowPath leaves other paths alone', () => {
    expect(relativeFlowPath('/flow/order_approval', 'order_approval')).toBe('');
    expect(relativeFlowPath('/flow/other/nodes/1', 'order_approval')).toBe('/flow/other/nodes/1');
  });
});

describe('problemsAt', () => {
  it('selects a setting and what is under it', () => {
    const list = [
      { path: '/approval/assignees/0', message: 'a' },
      { path: '/approval/assignees', message: 'b' },
      { path: '/approval/assigneesX', message: 'c' },
    ];
    expect(problemsAt(list, '/approval/assignees').map((p) => p.message)).toEqual(['a', 'b']);
  });
});
