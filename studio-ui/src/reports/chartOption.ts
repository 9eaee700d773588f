// A report result turned into an ECharts option, and a click on the chart
// turned back into the dimension values behind it (for drill-down). Pure:
// no ECharts import here, so it is tested without a canvas.

import type { Chart, Column, Result, Row } from './types';

/** How a dimension value is shown: its label, or the value, or "none". */
export function valueText(row: Row, key: string, none: string): string {
  const label = row.labels?.[key];
  if (label) return label;
  const v = row.values[key];
  return v === null || v === undefined || v === '' ? none : String(v);
}

/** A measure's value as a number for drawing (exact numbers come as text). */
export function numberOf(v: unknown): number | null {
  if (v === null || v === undefined || v === '') return null;
  const n = typeof v === 'number' ? v : Number(v);
  return Number.isFinite(n) ? n : null;
}

export interface ChartModel {
  /** The ECharts option; null for a chart drawn without ECharts (table, kpi). */
  option: Record<string, unknown> | null;
  /** The dimension values of the element at (series, data) index. */
  clickAt(seriesIndex: number, dataIndex: number): Record<string, unknown> | null;
  /** The measure of the element at series index, when it is one. */
  measureAt(seriesIndex: number): string | undefined;
}

export interface ChartTexts {
  none: string;
}

const palette = ['#1668dc', '#13a8a8', '#faad14', '#eb2f96', '#722ed1', '#52c41a', '#fa541c', '#2f54eb'];

/** The chart to draw for result: the result's own, else the report's. */
export function chartOf(result: Result, fallback?: Chart): Chart {
  return result.chart ?? fallback ?? { type: 'table' };
}

/** The dimensions and measures a chart draws: x (the first dimension by
 * default), series (another dimension, when rows repeat x), y measures. */
export function axes(result: Result, chart: Chart) {
  const dims = result.columns.filter((c) => c.role === 'dimension');
  const measures = result.columns.filter((c) => c.role === 'measure');
  const x = dims.find((d) => d.key === chart.x) ?? dims[0];
  let series = dims.find((d) => d.key === chart.series && d.key !== x?.key);
  // note: with two dimensions and no series named, the second one splits the
  // series; otherwise rows sharing an x value would be drawn on top of each other.
  if (!series && dims.length > 1) series = dims.find((d) => d.key !== x?.key);
  const y = chart.y?.length ? measures.filter((m) => chart.y!.includes(m.key)) : measures;
  return { x, series, y };
}

function uniq(rows: Row[], key: string, none: string): { value: unknown; text: string }[] {
  const seen = new Map<string, { value: unknown; text: string }>();
  for (const r of rows) {
    const text = valueText(r, key, none);
    if (!seen.has(text)) seen.set(text, { value: r.values[key] ?? null, text });
  }
  return [...seen.values()];
}

/** The ECharts option and click mapping of result drawn as chart. */
export function buildChart(result: Result, chart: Chart, texts: ChartTexts): ChartModel {
  const none = (): ChartModel => ({ option: null, clickAt: () => null, measureAt: () => undefined });
  const { x, series, y } = axes(result, chart);
  if (!x && chart.type === 'funnel' && y.length > 1) return stageFunnel(result, y);
  if (!x || !y.length || chart.type === 'table' || chart.type === 'kpi' || chart.type === 'pivot') return none();
  const rows = result.rows;
  if (chart.type === 'pie' || chart.type === 'funnel') return sliceChart(rows, x, y[0], chart.type, texts);
  const cats = uniq(rows, x.key, texts.none);
  const catIndex = new Map(cats.map((c, i) => [c.text, i]));
  const kind = chart.type === 'area' ? 'line' : chart.type;
  const base = { type: kind, barMaxWidth: 56, stack: chart.stacked ? 'total' : undefined, areaStyle: chart.type === 'area' ? {} : undefined, emphasis: { focus: 'series' } };
  let seriesList: Record<string, unknown>[];
  let clickAt: ChartModel['clickAt'];
  let measureAt: ChartModel['measureAt'];
  if (series) {
    const groups = uniq(rows, series.key, texts.none);
    const m = y[0];
    seriesList = groups.map((g) => {
      const data: (number | null)[] = cats.map(() => null);
      for (const r of rows) if (valueText(r, series.key, texts.none) === g.text) data[catIndex.get(valueText(r, x.key, texts.none))!] = numberOf(r.values[m.key]);
      return { ...base, name: g.text, data };
    });
    clickAt = (s, d) => (groups[s] && cats[d] ? { [x.key]: cats[d].value, [series.key]: groups[s].value } : null);
    measureAt = () => m.key;
  } else {
    seriesList = y.map((m) => {
      const data: (number | null)[] = cats.map(() => null);
      for (const r of rows) data[catIndex.get(valueText(r, x.key, texts.none))!] = numberOf(r.values[m.key]);
      return { ...base, name: m.label, data };
    });
    clickAt = (_s, d) => (cats[d] ? { [x.key]: cats[d].value } : null);
    measureAt = (s) => y[s]?.key;
  }
  const option = {
    color: palette,
    tooltip: { trigger: 'axis', axisPointer: { type: kind === 'bar' ? 'shadow' : 'line' } },
    legend: seriesList.length > 1 ? { type: 'scroll', top: 0 } : undefined,
    grid: { left: 8, right: 16, top: seriesList.length > 1 ? 32 : 16, bottom: 8, containLabel: true },
    xAxis: { type: 'category', data: cats.map((c) => c.text), axisLabel: { hideOverlap: true } },
    yAxis: { type: 'value' },
    series: seriesList,
  };
  return { option, clickAt, measureAt };
}

function sliceChart(rows: Row[], x: Column, m: Column, type: 'pie' | 'funnel', texts: ChartTexts): ChartModel {
  const data = rows.map((r) => ({ name: valueText(r, x.key, texts.none), value: numberOf(r.values[m.key]) }));
  const s: Record<string, unknown> =
    type === 'pie'
      ? { type: 'pie', radius: ['35%', '70%'], data, label: { formatter: '{b}: {d}%' } }
      : { type: 'funnel', sort: 'none', left: '10%', width: '80%', data, label: { position: 'inside' } };
  return {
    option: { color: palette, tooltip: { trigger: 'item' }, legend: { type: 'scroll', bottom: 0 }, series: [{ name: m.label, ...s }] },
    clickAt: (_s, d) => (rows[d] ? { [x.key]: rows[d].values[x.key] ?? null } : null),
    measureAt: () => m.key,
  };
}

/** A funnel without a dimension: its measures are the stages, in order. */
function stageFunnel(result: Result, y: Column[]): ChartModel {
  const row = result.totals ?? result.rows[0];
  const data = y.map((m) => ({ name: m.label, value: numberOf(row?.values[m.key]) ?? 0 }));
  return {
    option: {
      color: palette,
      tooltip: { trigger: 'item' },
      series: [{ type: 'funnel', sort: 'none', left: '10%', width: '80%', data, label: { position: 'inside' } }],
    },
    clickAt: () => ({}),
    measureAt: (s) => y[s]?.key,
  };
}
