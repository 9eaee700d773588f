// The canvas's edges are the references nodes make to each other (next,
// branches, default, targets, on_reject); drawing, re-drawing or deleting an
// edge edits those references, so the graph and the definition never drift.

import type { FlowDefinition, FlowNode } from './model';
import { hasNext } from './model';

export type EdgeKind = 'next' | 'branch' | 'default' | 'target' | 'reject';

export interface FlowEdge {
  /** `${source}:${handle}`, stable while the reference is. */
  id: string;
  source: string;
  target: string;
  /** The source handle: next, default, reject, branch-<i> or target-<i>. */
  handle: string;
  kind: EdgeKind;
  /** Index of the branch or target the edge is. */
  index?: number;
  /** A branch's label or condition. */
  label?: string;
}

/** The source handles a node of type offers for new connections. */
export function sourceHandles(type: string): string[] {
  if (type === 'approval') return ['next', 'reject'];
  if (hasNext(type)) return ['next'];
  if (type === 'branch') return ['branch', 'default'];
  if (type === 'split') return ['target'];
  return [];
}

export const edgeId = (source: string, handle: string) => `${source}:${handle}`;

/** Every reference of def as an edge; references to no node are left out
 * (the server names them as problems on their node). */
export function edgesOf(def: FlowDefinition): FlowEdge[] {
  const ids = new Set(def.nodes.map((n) => n.id));
  const out: FlowEdge[] = [];
  const add = (source: string, target: string | undefined, handle: string, kind: EdgeKind, extra: Partial<FlowEdge> = {}) => {
    if (target && ids.has(target)) out.push({ id: edgeId(source, handle), source, target, handle, kind, ...extra });
  };
  for (const n of def.nodes) {
    if (hasNext(n.type)) add(n.id, n.next, 'next', 'next');
    n.branches?.forEach((b, i) => add(n.id, b.next, `branch-${i}`, 'branch', { index: i, label: b.label || b.when }));
    if (n.type === 'branch') add(n.id, n.default, 'default', 'default');
    n.targets?.forEach((t, i) => add(n.id, t, `target-${i}`, 'target', { index: i }));
    if (n.approval?.on_reject) add(n.id, n.approval.on_reject, 'reject', 'reject');
  }
  return out;
}

function mapNode(def: FlowDefinition, id: string, fn: (n: FlowNode) => FlowNode): FlowDefinition {
  return { ...def, nodes: def.nodes.map((n) => (n.id === id ? fn(n) : n)) };
}

/** Connects source's handle to target: a next, default or reject is
 * replaced; a branch or a split target is added (a new branch starts with no
 * condition, which the admin then writes). Connecting a node to itself, or
 * to the start, changes nothing. */
export function connect(def: FlowDefinition, source: string, handle: string, target: string): FlowDefinition {
  const to = def.nodes.find((n) => n.id === target);
  if (source === target || !to || to.type === 'start') return def;
  return mapNode(def, source, (n) => {
    const kind = handle.split('-')[0];
    switch (kind) {
      case 'next':
        return hasNext(n.type) ? { ...n, next: target } : n;
      case 'default':
        return n.type === 'branch' ? { ...n, default: target } : n;
      case 'reject':
        return n.approval ? { ...n, approval: { ...n.approval, on_reject: target } } : n;
      case 'branch': {
        if (n.type !== 'branch') return n;
        const branches = [...(n.branches ?? [])];
        const i = handle.includes('-') ? Number(handle.split('-')[1]) : -1;
        if (i >= 0 && i < branches.length) branches[i] = { ...branches[i], next: target };
        else branches.push({ when: '', next: target });
        return { ...n, branches };
      }
      case 'target': {
        if (n.type !== 'split') return n;
        const targets = [...(n.targets ?? [])];
        const i = handle.includes('-') ? Number(handle.split('-')[1]) : -1;
        if (targets.includes(target)) return n;
        if (i >= 0 && i < targets.length) targets[i] = target;
        else targets.push(target);
        return { ...n, targets };
      }
      default:
        return n;
    }
  });
}

/** Removes the reference an edge stands for. A branch goes with its
 * condition: a condition leading nowhere means nothing. */
export function disconnect(def: FlowDefinition, id: string): FlowDefinition {
  const cut = id.lastIndexOf(':');
  if (cut < 0) return def;
  const source = id.slice(0, cut);
  const handle = id.slice(cut + 1);
  const [kind, index] = handle.split('-');
  const i = Number(index);
  return mapNode(def, source, (n) => {
    switch (kind) {
      case 'next':
        return { ...n, next: undefined };
      case 'default':
        return { ...n, default: undefined };
      case 'reject':
        return n.approval ? { ...n, approval: { ...n.approval, on_reject: undefined } } : n;
      case 'branch':
        return { ...n, branches: (n.branches ?? []).filter((_, j) => j !== i) };
      case 'target':
        return { ...n, targets: (n.targets ?? []).filter((_, j) => j !== i) };
      default:
        return n;
    }
  });
}

/** Removes node id and every reference to it. */
export function removeNode(def: FlowDefinition, id: string): FlowDefinition {
  const nodes = def.nodes
    .filter((n) => n.id !== id)
    .map((n) => {
      const m: FlowNode = { ...n };
      if (m.next === id) m.next = undefined;
      if (m.default === id) m.default = undefined;
      if (m.branches?.some((b) => b.next === id)) m.branches = m.branches.filter((b) => b.next !== id);
      if (m.targets?.includes(id)) m.targets = m.targets.filter((t) => t !== id);
      if (m.approval?.on_reject === id) m.approval = { ...m.approval, on_reject: undefined };
      return m;
    });
  return { ...def, nodes };
}

/** Gives node from a new id, and every reference to it too. */
export function renameNode(def: FlowDefinition, from: string, to: string): FlowDefinition {
  if (!to || from === to || def.nodes.some((n) => n.id === to)) return def;
  const r = (v: string | undefined) => (v === from ? to : v);
  return {
    ...def,
    nodes: def.nodes.map((n) => {
      const m: FlowNode = { ...n, id: r(n.id)!, next: r(n.next), default: r(n.default) };
      if (n.branches) m.branches = n.branches.map((b) => ({ ...b, next: r(b.next)! }));
      if (n.targets) m.targets = n.targets.map((t) => r(t)!);
      if (n.approval?.on_reject) m.approval = { ...n.approval, on_reject: r(n.approval.on_reject) };
      return m;
    }),
  };
}

/** Replaces node id by what fn makes of it. */
export function updateNode(def: FlowDefinition, id: string, fn: (n: FlowNode) => FlowNode): FlowDefinition {
  return mapNode(def, id, fn);
}
