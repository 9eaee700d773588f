// The dashboard designer's edits as pure functions: widgets placed on the
// grid, moved and resized by whole cells within its width, shared filters
// added and bound to what they set in each widget.

import { keyFromLabel } from '../designer/keys';
import type { Binding, DashboardDefinition, DashboardFilter, Widget } from './types';

export const defaultColumns = 12;

const cols = (d: DashboardDefinition) => d.columns || defaultColumns;

/** The first free row below every widget. */
export function bottom(d: DashboardDefinition): number {
  return d.widgets.reduce((m, w) => Math.max(m, w.y + w.h), 0);
}

/** d with report added as a widget: beside the last widget when the row has
 * room, else below everything. */
export function addWidget(d: DashboardDefinition, report: string, w = 6, h = 4): DashboardDefinition {
  const key = keyFromLabel(report, d.widgets.map((x) => x.key), 'widget');
  const width = Math.min(w, cols(d));
  const last = d.widgets[d.widgets.length - 1];
  let x = 0;
  let y = bottom(d);
  if (last && last.x + last.w + width <= cols(d) && !d.widgets.some((o) => o.y + o.h > last.y && o.x >= last.x + last.w)) {
    x = last.x + last.w;
    y = last.y;
  }
  return { ...d, widgets: [...d.widgets, { key, report, x, y, w: width, h }] };
}

/** d with widget key moved by (dx, dy) cells and grown by (dw, dh), kept on the grid. */
export function moveWidget(d: DashboardDefinition, key: string, dx: number, dy: number, dw = 0, dh = 0): DashboardDefinition {
  const c = cols(d);
  return {
    ...d,
    widgets: d.widgets.map((w) => {
      if (w.key !== key) return w;
      const width = Math.min(Math.max(1, w.w + dw), c);
      const height = Math.min(Math.max(1, w.h + dh), 24);
      return { ...w, w: width, h: height, x: Math.min(Math.max(0, w.x + dx), c - width), y: Math.max(0, w.y + dy) };
    }),
  };
}

export function removeWidget(d: DashboardDefinition, key: string): DashboardDefinition {
  return { ...d, widgets: d.widgets.filter((w) => w.key !== key) };
}

/** The pairs of widgets that cover a same cell. */
export function overlaps(d: DashboardDefinition): [string, string][] {
  const out: [string, string][] = [];
  d.widgets.forEach((a, i) =>
    d.widgets.slice(i + 1).forEach((b) => {
      if (a.x < b.x + b.w && b.x < a.x + a.w && a.y < b.y + b.h && b.y < a.y + a.h) out.push([a.key, b.key]);
    }),
  );
  return out;
}

/** d with a new shared filter of type. */
export function addFilter(d: DashboardDefinition, label: string, type: string): DashboardFilter[] {
  const filters = d.filters ?? [];
  const key = keyFromLabel(label, filters.map((f) => f.key), 'filter');
  return [...filters, { key, label, type }];
}

/** d without filter key, and without the widgets' bindings of it. */
export function removeFilter(d: DashboardDefinition, key: string): DashboardDefinition {
  return {
    ...d,
    filters: (d.filters ?? []).filter((f) => f.key !== key),
    widgets: d.widgets.map((w) => bindWidget(w, key, null)),
  };
}

/** w with filter bound to b (or unbound). */
export function bindWidget(w: Widget, filter: string, b: Binding | null): Widget {
  const bind = { ...(w.bind ?? {}) };
  if (b && (b.param || b.dimension)) bind[filter] = b;
  else delete bind[filter];
  const out: Widget = { ...w, bind };
  if (Object.keys(bind).length === 0) delete out.bind;
  return out;
}

export function newDashboard(key: string, title: string): DashboardDefinition {
  return { kind: 'dashboard', key, title, widgets: [] };
}
