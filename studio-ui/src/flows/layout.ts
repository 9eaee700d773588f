// A layered layout, top to bottom: each node one layer below the deepest of
// the nodes leading to it (edges that lead back are ignored), and within a
// layer nodes ordered by where their predecessors stand, so edges cross
// little. Positions are not part of a definition; they are made on open.

import type { FlowDefinition } from './model';
import { edgesOf } from './graph';

export const nodeWidth = 200;
export const nodeHeight = 60;
const gapX = 40;
const gapY = 56;

export interface Point {
  x: number;
  y: number;
}

/** Each node's layer: its longest distance from a root. */
export function layers(def: FlowDefinition): Map<string, number> {
  const ids = def.nodes.map((n) => n.id);
  const out = new Map<string, string[]>();
  for (const e of edgesOf(def)) {
    if (!out.has(e.source)) out.set(e.source, []);
    out.get(e.source)!.push(e.target);
  }
  // note: a depth-first walk from the start (then from whatever it did not
  // reach) finds the edges that close a cycle, such as a reject that sends a
  // record back; without them the graph is acyclic.
  const state = new Map<string, 'open' | 'done'>();
  const order: string[] = [];
  const back = new Set<string>();
  const visit = (id: string) => {
    state.set(id, 'open');
    for (const t of out.get(id) ?? []) {
      const s = state.get(t);
      if (s === 'open') back.add(`${id}>${t}`);
      else if (!s) visit(t);
    }
    state.set(id, 'done');
    order.push(id);
  };
  const start = def.nodes.find((n) => n.type === 'start');
  if (start) visit(start.id);
  for (const id of ids) if (!state.has(id)) visit(id);
  const layer = new Map<string, number>(ids.map((id) => [id, 0]));
  for (const id of order.reverse()) {
    for (const t of out.get(id) ?? []) {
      if (back.has(`${id}>${t}`)) continue;
      layer.set(t, Math.max(layer.get(t)!, layer.get(id)! + 1));
    }
  }
  return layer;
}

/** Where each node of def goes on the canvas (its top-left corner). */
export function layout(def: FlowDefinition): Record<string, Point> {
  const layer = layers(def);
  const preds = new Map<string, string[]>();
  for (const e of edgesOf(def)) {
    if (!preds.has(e.target)) preds.set(e.target, []);
    preds.get(e.target)!.push(e.source);
  }
  const rows: string[][] = [];
  def.nodes.forEach((n) => {
    const l = layer.get(n.id)!;
    (rows[l] ??= []).push(n.id);
  });
  const slot = new Map<string, number>();
  const pos: Record<string, Point> = {};
  rows.forEach((row, l) => {
    if (!row) return;
    const weight = (id: string) => {
      const above = (preds.get(id) ?? []).filter((p) => (layer.get(p) ?? 0) < l && slot.has(p));
      return above.length ? above.reduce((s, p) => s + slot.get(p)!, 0) / above.length : Number.POSITIVE_INFINITY;
    };
    const ordered = row
      .map((id, i) => ({ id, i, w: weight(id) }))
      .sort((a, b) => (a.w === b.w ? a.i - b.i : a.w - b.w))
      .map((r) => r.id);
    const width = ordered.length * nodeWidth + (ordered.length - 1) * gapX;
    ordered.forEach((id, i) => {
      const x = -width / 2 + i * (nodeWidth + gapX);
      slot.set(id, x);
      pos[id] = { x, y: l * (nodeHeight + gapY) };
    });
  });
  return pos;
}
