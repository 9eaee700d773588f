// The report designer's state and what the analyst's drops do to it: a field
// dropped on dimensions, measures, filters or the drill path becomes the
// matching part of the report definition. Pure functions, so every step is
// tested without a browser.

import type { FieldDef, FormDefinition } from '../api/types';
import { keyFromLabel } from '../designer/keys';
import type { Agg, Chart, ChartType, Dimension, Measure, ReportDefinition } from './types';

/** A field the analyst can drag: of the source form, or of a form reached
 * through one of its relation fields ("customer.region"). */
export interface FieldInfo {
  path: string;
  label: string;
  /** The type of its values (a formula's result type). */
  type: string;
  form: string;
  /** The choices of a select field. */
  options?: { value: string; label: string }[];
}

export type Zone = 'dimensions' | 'measures' | 'filters' | 'drill';

export type FilterOp = '==' | '!=' | '>' | '>=' | '<' | '<=';

/** One condition of the report's filter, as the designer edits it. */
export interface FilterRow {
  field: string;
  op: FilterOp;
  value: string | number | boolean | null;
}

export interface DesignState {
  def: ReportDefinition;
  filters: FilterRow[];
  /** The part of the filter the rows cannot show, kept as written. */
  expr: string;
}

const numericTypes = new Set(['integer', 'number', 'decimal', 'money', 'percent']);
const dateTypes = new Set(['date', 'datetime']);
// note: these hold lists or files: nothing to group by or add up.
const unusable = new Set(['sub_table', 'attachment', 'multi_select', 'long_text', 'rich_text']);

export const isNumeric = (type: string) => numericTypes.has(type);
export const isDate = (type: string) => dateTypes.has(type);

/** The type of a field's values. */
export function valueType(f: FieldDef): string {
  if (f.type === 'formula') return f.result ?? 'number';
  if (f.type === 'auto_number') return 'text';
  return f.type;
}

/** The fields of source and of the related forms given (by relation field
 * key), in the order the forms list them. */
export function fieldsOf(source: FormDefinition, related: Record<string, FormDefinition> = {}): FieldInfo[] {
  const out: FieldInfo[] = [];
  for (const f of source.fields) {
    if (unusable.has(f.type)) continue;
    out.push({ path: f.key, label: f.label, type: valueType(f), form: source.key, options: f.options });
  }
  for (const rel of source.fields) {
    const target = related[rel.key];
    if (rel.type !== 'relation' || !target) continue;
    for (const f of target.fields) {
      if (unusable.has(f.type)) continue;
      out.push({ path: `${rel.key}.${f.key}`, label: `${rel.label} · ${f.label}`, type: valueType(f), form: target.key, options: f.options });
    }
  }
  return out;
}

/** The relation fields of a form: what related forms it reaches. */
export const relationsOf = (form: FormDefinition) => form.fields.filter((f) => f.type === 'relation' && f.target);

function takenKeys(def: ReportDefinition): string[] {
  return [...(def.dimensions ?? []), ...def.measures, ...(def.drill ?? [])].map((x) => x.key);
}

/** The default aggregate of a field dropped on measures. */
export function defaultAgg(type: string): Agg {
  return isNumeric(type) ? 'sum' : 'count_distinct';
}

/** The definition with field dropped on zone (filters excepted: see addFilter). */
export function dropField(def: ReportDefinition, zone: Exclude<Zone, 'filters'>, field: FieldInfo): ReportDefinition {
  const last = field.path.split('.').pop() ?? field.path;
  if (zone === 'measures') {
    const agg = defaultAgg(field.type);
    const key = keyFromLabel(agg === 'sum' ? last : `${last}_count`, takenKeys(def), 'measure');
    // note: the field's label heads the column; the key alone reads like code.
    return withChart({ ...def, measures: [...def.measures, { key, label: field.label, agg, field: field.path }] });
  }
  const dim: Dimension = { key: keyFromLabel(last, takenKeys(def), 'dimension'), field: field.path };
  if (isDate(field.type)) dim.bucket = 'month';
  if (zone === 'drill') return { ...def, drill: [...(def.drill ?? []), dim] };
  return withChart({ ...def, dimensions: [...(def.dimensions ?? []), dim] });
}

/** The definition with a count of records added. */
export function addCount(def: ReportDefinition): ReportDefinition {
  const key = keyFromLabel('records', takenKeys(def), 'measure');
  return withChart({ ...def, measures: [...def.measures, { key, agg: 'count' }] });
}

/** The definition without the dimension, measure or drill level key. */
export function removePart(def: ReportDefinition, zone: Exclude<Zone, 'filters'>, key: string): ReportDefinition {
  const drop = <T extends { key: string }>(xs: T[] | undefined) => xs?.filter((x) => x.key !== key);
  if (zone === 'drill') return { ...def, drill: drop(def.drill) };
  const next = zone === 'measures' ? { ...def, measures: drop(def.measures)! } : { ...def, dimensions: drop(def.dimensions) };
  next.sort = next.sort?.filter((s) => s.key !== key);
  if (next.sort?.length === 0) delete next.sort;
  return withChart(next);
}

/** The definition with one dimension or measure changed. */
export function updatePart(def: ReportDefinition, zone: Exclude<Zone, 'filters'>, key: string, patch: Partial<Dimension & Measure>): ReportDefinition {
  const apply = <T extends { key: string }>(xs: T[] | undefined) => xs?.map((x) => (x.key === key ? clean({ ...x, ...patch }) : x));
  if (zone === 'measures') return withChart({ ...def, measures: apply(def.measures)! });
  if (zone === 'drill') return { ...def, drill: apply(def.drill) };
  return withChart({ ...def, dimensions: apply(def.dimensions) });
}

/** x without its undefined and empty-text properties. */
function clean<T extends object>(x: T): T {
  const out = { ...x } as Record<string, unknown>;
  for (const k of Object.keys(out)) if (out[k] === undefined || out[k] === '') delete out[k];
  return out as T;
}

/** The definition drawn as chart type. */
export function setChartType(def: ReportDefinition, type: ChartType): ReportDefinition {
  return withChart({ ...def, chart: { ...(def.chart ?? {}), type } });
}

/** def with a chart that fits its dimensions and measures: x and series
 * among the dimensions, y among the measures; a bar chart by default, a
 * number when nothing is grouped. */
export function withChart(def: ReportDefinition): ReportDefinition {
  const dims = (def.dimensions ?? []).map((d) => d.key);
  const measures = def.measures.map((m) => m.key);
  const chart: Chart = { ...(def.chart ?? { type: dims.length ? 'bar' : 'kpi' }) };
  if (chart.type === 'kpi' && dims.length && !def.chart) chart.type = 'bar';
  if (chart.x && !dims.includes(chart.x)) delete chart.x;
  if (chart.series && (!dims.includes(chart.series) || chart.series === chart.x)) delete chart.series;
  if (chart.y) {
    chart.y = chart.y.filter((y) => measures.includes(y));
    if (!chart.y.length) delete chart.y;
  }
  return { ...def, chart };
}

const rowPattern = /^([a-z][a-z0-9_]*(?:\.[a-z][a-z0-9_]*)?) (==|!=|>=|<=|>|<) (.+)$/;

/** A filter value as the expression language writes it. */
function literal(v: FilterRow['value']): string {
  if (v === null) return 'nil';
  return typeof v === 'string' ? JSON.stringify(v) : String(v);
}

function parseLiteral(text: string): FilterRow['value'] | undefined {
  if (text === 'nil') return null;
  try {
    const v = JSON.parse(text) as unknown;
    if (typeof v === 'string' || typeof v === 'number' || typeof v === 'boolean') return v;
  } catch {
    // not a literal the rows can show
  }
  return undefined;
}

/** The filter text of the rows and the rest. */
export function filterText(rows: FilterRow[], expr: string): string {
  const parts = rows.filter((r) => r.field).map((r) => `${r.field} ${r.op} ${literal(r.value)}`);
  if (expr.trim()) parts.push(rows.length ? `(${expr.trim()})` : expr.trim());
  return parts.join(' && ');
}

/** Splits a filter into the rows the designer shows and the rest: a
 * filter the designer wrote comes back as its rows. */
export function parseFilter(filter: string | undefined): { rows: FilterRow[]; expr: string } {
  const text = (filter ?? '').trim();
  if (!text) return { rows: [], expr: '' };
  const rows: FilterRow[] = [];
  const parts = text.split(' && ');
  let i = 0;
  for (; i < parts.length; i++) {
    const m = rowPattern.exec(parts[i]);
    const value = m ? parseLiteral(m[3]) : undefined;
    if (!m || value === undefined) break;
    rows.push({ field: m[1], op: m[2] as FilterOp, value });
  }
  let expr = parts.slice(i).join(' && ');
  if (rows.length && expr.startsWith('(') && expr.endsWith(')')) expr = expr.slice(1, -1);
  return { rows, expr };
}

/** The designer's state for def. */
export function fromDefinition(def: ReportDefinition): DesignState {
  const { rows, expr } = parseFilter(def.filter);
  return { def: withChart(def), filters: rows, expr };
}

/** The definition the state stands for, as saved and previewed. */
export function toDefinition(s: DesignState): ReportDefinition {
  const def: ReportDefinition = { ...s.def };
  const filter = filterText(s.filters, s.expr);
  if (filter) def.filter = filter;
  else delete def.filter;
  if (def.dimensions?.length === 0) delete def.dimensions;
  if (def.drill?.length === 0) delete def.drill;
  return def;
}

/** A filter row for a field dropped on filters. */
export function filterRowFor(field: FieldInfo): FilterRow {
  return { field: field.path, op: '==', value: isNumeric(field.type) ? 0 : field.type === 'boolean' ? true : '' };
}

/** A new, empty report over source. */
export function newReport(key: string, title: string, source: string): ReportDefinition {
  return { kind: 'report', key, title, source, measures: [], chart: { type: 'bar' } };
}
