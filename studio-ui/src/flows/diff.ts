// What a draft changes against the live version, node by node, for the
// publish dialog: the server's diff compares forms' fields, a flow's is here.

import type { FlowDefinition, FlowNode } from './model';

export interface NodeChange {
  id: string;
  change: 'added' | 'removed' | 'changed';
  node: FlowNode;
  /** The node as it is live, for a changed node. */
  before?: FlowNode;
  /** The settings that differ, for a changed node. */
  settings: string[];
}

/** The conditions of a branch node that read differently, before → after,
 * so a changed threshold is seen as such before publishing. */
export function conditionChanges(c: NodeChange): { before: string; after: string }[] {
  if (c.change !== 'changed' || !c.before) return [];
  const old = c.before.branches ?? [];
  const now = c.node.branches ?? [];
  const out: { before: string; after: string }[] = [];
  for (let i = 0; i < Math.max(old.length, now.length); i++) {
    const b = old[i]?.when ?? '';
    const a = now[i]?.when ?? '';
    if (a !== b) out.push({ before: b, after: a });
  }
  return out;
}

export interface FlowDiff {
  nodes: NodeChange[];
  /** Flow-level settings that differ (title, triggers…). */
  flow: string[];
}

const same = (a: unknown, b: unknown) => JSON.stringify(a ?? null) === JSON.stringify(b ?? null);

function differing(a: object, b: object): string[] {
  const ra = a as Record<string, unknown>;
  const rb = b as Record<string, unknown>;
  const keys = new Set([...Object.keys(ra), ...Object.keys(rb)]);
  return [...keys].filter((k) => !same(ra[k] === '' ? undefined : ra[k], rb[k] === '' ? undefined : rb[k])).sort();
}

export function diffFlows(live: FlowDefinition | null, draft: FlowDefinition): FlowDiff {
  const before = new Map((live?.nodes ?? []).map((n) => [n.id, n]));
  const after = new Map(draft.nodes.map((n) => [n.id, n]));
  const nodes: NodeChange[] = [];
  for (const n of draft.nodes) {
    const old = before.get(n.id);
    if (!old) nodes.push({ id: n.id, change: 'added', node: n, settings: [] });
    else {
      const settings = differing(old, n);
      if (settings.length) nodes.push({ id: n.id, change: 'changed', node: n, before: old, settings });
    }
  }
  for (const n of live?.nodes ?? []) if (!after.has(n.id)) nodes.push({ id: n.id, change: 'removed', node: n, settings: [] });
  const { nodes: _a, ...restLive } = live ?? ({ nodes: [] } as unknown as FlowDefinition);
  const { nodes: _b, ...restDraft } = draft;
  return { nodes, flow: live ? differing(restLive, restDraft) : [] };
}
