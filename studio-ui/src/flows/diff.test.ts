import { describe, expect, it } from 'vitest';
import { conditionChanges, diffFlows } from './diff';
import { orderFlow } from './fixtures';

describe('diffFlows', () => {
  it('names nodes added, removed and changed, with the settings that changed', () => {
    const live = orderFlow();
    const draft = orderFlow();
    draft.nodes[1].branches![0].when = 'amount >= 50000';
    draft.nodes = draft.nodes.filter((n) => n.id !== 'finance');
    draft.nodes.push({ id: 'cs', type: 'approval', approval: { mode: 'all', assignees: [] }, next: 'approved' });
    draft.title = 'Order approval v2';
    const d = diffFlows(live, draft);
    expect(d.nodes.map((c) => `${c.change}:${c.id}:${c.settings.join(',')}`)).toEqual(['changed:route:branches', 'added:cs:', 'removed:finance:']);
    expect(d.flow).toEqual(['title']);
    expect(conditionChanges(d.nodes[0])).toEqual([{ before: 'amount >= 100000', after: 'amount >= 50000' }]);
    expect(conditionChanges(d.nodes[1])).toEqual([]);
  });

  it('finds nothing between equal flows, and everything added when none is live', () => {
    expect(diffFlows(orderFlow(), orderFlow())).toEqual({ nodes: [], flow: [] });
    expect(diffFlows(null, orderFlow()).nodes.every((c) => c.change === 'added')).toBe(true);
  });
});
