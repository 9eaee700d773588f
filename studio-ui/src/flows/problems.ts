// Puts the server's problems ("/nodes/3/branches/0/when") on the node, edge
// and setting they are about, by the node order of the text that was checked.

import type { Problem } from '../api/types';
import { edgeId } from './graph';
import type { FlowDefinition } from './model';

export interface PlacedFlowProblems {
  /** By node id, each problem's path made relative to the node
   * ("/approval/assignees/0"). */
  nodes: Record<string, Problem[]>;
  /** By edge id, for the references that are edges. */
  edges: Record<string, Problem[]>;
  /** About the flow as a whole (its form, triggers, "no end node"). */
  flow: Problem[];
}

/** Strips the "/flow/<key>" a publish puts before its paths. */
export function relativeFlowPath(path: string, key: string): string {
  const prefix = `/flow/${key}`;
  return path === prefix ? '' : path.startsWith(`${prefix}/`) ? path.slice(prefix.length) : path;
}

/** The edge a setting of a node stands for, if it is one. */
function edgeOf(node: string, rest: string[]): string | null {
  const [a, b, c] = rest;
  if (a === 'next' || a === 'default') return edgeId(node, a);
  if (a === 'branches' && b !== undefined && (c === undefined || c === 'next' || c === 'when')) return edgeId(node, `branch-${b}`);
  if (a === 'targets' && b !== undefined) return edgeId(node, `target-${b}`);
  if (a === 'approval' && b === 'on_reject') return edgeId(node, 'reject');
  return null;
}

export function placeFlowProblems(problems: Problem[], checked: FlowDefinition): PlacedFlowProblems {
  const out: PlacedFlowProblems = { nodes: {}, edges: {}, flow: [] };
  for (const raw of problems) {
    const path = relativeFlowPath(raw.path, checked.key);
    const parts = path.split('/').slice(1);
    const node = parts[0] === 'nodes' && parts[1] !== undefined ? checked.nodes[Number(parts[1])] : undefined;
    if (!node) {
      out.flow.push({ ...raw, path });
      continue;
    }
    const rest = parts.slice(2);
    const p = { ...raw, path: rest.length ? `/${rest.join('/')}` : '' };
    (out.nodes[node.id] ??= []).push(p);
    const edge = edgeOf(node.id, rest);
    if (edge) (out.edges[edge] ??= []).push(p);
  }
  return out;
}

/** The problems of one setting of a node: those at path or under it. */
export function problemsAt(list: Problem[] | undefined, path: string): Problem[] {
  return (list ?? []).filter((p) => p.path === path || p.path.startsWith(`${path}/`));
}

/** The problems under path, with their paths made relative to it, for the
 * editor of that setting. */
export function under(list: Problem[] | undefined, path: string): Problem[] {
  return problemsAt(list, path).map((p) => ({ ...p, path: p.path.slice(path.length) }));
}
