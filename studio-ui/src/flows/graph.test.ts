import { describe, expect, it } from 'vitest';
import { connect, disconnect, edgesOf, removeNode, renameNode } from './graph';
import { canonicalFlow, newNode, type FlowDefinition } from './model';
import { orderFlow } from './fixtures';

describe('edgesOf', () => {
  it('draws every reference as an edge with its handle', () => {
    const ids = edgesOf(orderFlow()).map((e) => `${e.id}>${e.target}`);
    expect(ids).toEqual([
      'start:next>route',
      'route:branch-0>both',
      'route:default>director',
      'both:target-0>sales',
      'both:target-1>finance',
      'sales:next>joined',
      'sales:reject>rejected',
      'finance:next>joined',
      'joined:next>approved',
      'director:next>approved',
      'director:reject>rejected',
    ]);
  });

  it('labels a branch by its label, else its condition', () => {
    const def = orderFlow();
    def.nodes[1].branches![0].label = '';
    expect(edgesOf(def).find((e) => e.kind === 'branch')?.label).toBe('amount >= 100000');
  });

  it('leaves out references to no node', () => {
    const def = orderFlow();
    def.nodes[0].next = 'nowhere';
    expect(edgesOf(def).some((e) => e.source === 'start')).toBe(false);
  });
});

describe('connect and disconnect', () => {
  it('replaces a next and adds a branch with no condition', () => {
    let def = connect(orderFlow(), 'director', 'next', 'rejected');
    expect(def.nodes.find((n) => n.id === 'director')?.next).toBe('rejected');
    def = connect(def, 'route', 'branch', 'approved');
    expect(def.nodes[1].branches).toEqual([
      { when: 'amount >= 100000', next: 'both', label: 'big' },
      { when: '', next: 'approved' },
    ]);
  });

  it('adds a split target once, and never connects to the start or itself', () => {
    const def = connect(orderFlow(), 'both', 'target', 'director');
    expect(def.nodes[2].targets).toEqual(['sales', 'finance', 'director']);
    expect(connect(def, 'both', 'target', 'sales')).toEqual(def);
    expect(connect(def, 'director', 'next', 'start')).toBe(def);
    expect(connect(def, 'director', 'next', 'director')).toBe(def);
  });

  it('sets where a reject goes', () => {
    const def = connect(orderFlow(), 'finance', 'reject', 'rejected');
    expect(def.nodes[4].approval?.on_reject).toBe('rejected');
  });

  it('removes the reference an edge stands for', () => {
    let def = disconnect(orderFlow(), 'route:branch-0');
    expect(def.nodes[1].branches).toEqual([]);
    def = disconnect(def, 'both:target-0');
    expect(def.nodes[2].targets).toEqual(['finance']);
    def = disconnect(def, 'sales:reject');
    expect(def.nodes[3].approval?.on_reject).toBeUndefined();
    def = disconnect(def, 'start:next');
    expect(def.nodes[0].next).toBeUndefined();
  });

  it('round-trips: the edges of a definition rebuild the same definition', () => {
    const def = orderFlow();
    let bare: FlowDefinition = { ...def, nodes: def.nodes.map((n) => ({ ...n, next: undefined, default: undefined, branches: n.branches?.map((b) => ({ ...b })), targets: n.type === 'split' ? [] : undefined, approval: n.approval && { ...n.approval, on_reject: undefined } })) };
    bare.nodes[1].branches = [];
    for (const e of edgesOf(def)) bare = connect(bare, e.source, e.kind === 'branch' ? 'branch' : e.kind === 'target' ? 'target' : e.handle, e.target);
    bare.nodes[1].branches![0] = def.nodes[1].branches![0];
    expect(canonicalFlow(bare)).toBe(canonicalFlow(def));
  });
});

describe('removeNode and renameNode', () => {
  it('removes a node and every reference to it', () => {
    const def = removeNode(orderFlow(), 'rejected');
    expect(def.nodes.map((n) => n.id)).not.toContain('rejected');
    expect(edgesOf(def).some((e) => e.target === 'rejected')).toBe(false);
    expect(def.nodes.find((n) => n.id === 'sales')?.approval?.on_reject).toBeUndefined();
    const noSales = removeNode(orderFlow(), 'sales');
    expect(noSales.nodes[2].targets).toEqual(['finance']);
  });

  it('renames a node in every reference, never onto a used id', () => {
    const def = renameNode(orderFlow(), 'approved', 'done');
    expect(edgesOf(def).filter((e) => e.target === 'done').map((e) => e.source)).toEqual(['joined', 'director']);
    const same = orderFlow();
    expect(renameNode(same, 'approved', 'rejected')).toBe(same);
  });
});

describe('newNode', () => {
  it('makes a countersign an approval of mode all with a fresh id', () => {
    const n = newNode(orderFlow(), 'countersign', 'Countersign');
    expect(n).toMatchObject({ id: 'countersign_1', type: 'approval', approval: { mode: 'all', assignees: [] } });
    const def = orderFlow();
    def.nodes.push({ ...n });
    expect(newNode(def, 'countersign', 'x').id).toBe('countersign_2');
  });
});
