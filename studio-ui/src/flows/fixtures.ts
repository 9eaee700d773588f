// A small flow like the example's order approval, for the unit tests.

import type { FlowDefinition } from './model';

export function orderFlow(): FlowDefinition {
  return {
    kind: 'flow',
    key: 'order_approval',
    title: 'Order approval',
    form: 'order',
    triggers: [{ on: 'submit' }],
    nodes: [
      { id: 'start', type: 'start', next: 'route' },
      { id: 'route', type: 'branch', branches: [{ when: 'amount >= 100000', next: 'both', label: 'big' }], default: 'director' },
      { id: 'both', type: 'split', targets: ['sales', 'finance'] },
      { id: 'sales', type: 'approval', approval: { mode: 'single', assignees: [{ type: 'role', value: 'sales_director' }], on_reject: 'rejected' }, next: 'joined' },
      { id: 'finance', type: 'approval', approval: { mode: 'single', assignees: [{ type: 'role', value: 'finance_director' }] }, next: 'joined' },
      { id: 'joined', type: 'join', join: 'all', next: 'approved' },
      { id: 'director', type: 'approval', approval: { mode: 'single', assignees: [{ type: 'role', value: 'sales_director' }], on_reject: 'rejected' }, next: 'approved' },
      { id: 'approved', type: 'end', outcome: 'approved' },
      { id: 'rejected', type: 'end', outcome: 'rejected' },
    ],
  };
}
