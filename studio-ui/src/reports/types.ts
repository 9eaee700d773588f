// The shapes of report and dashboard definitions (engine/schemas/report and
// dashboard .schema.json) and of what the report API answers.

export interface Dimension {
  key: string;
  label?: string;
  field: string;
  bucket?: 'day' | 'week' | 'month' | 'quarter' | 'year';
}

export type Agg = 'count' | 'count_distinct' | 'sum' | 'avg' | 'min' | 'max';

export interface Measure {
  key: string;
  label?: string;
  agg?: Agg;
  field?: string;
  filter?: string;
  expr?: string;
}

export type ChartType = 'table' | 'bar' | 'line' | 'area' | 'pie' | 'funnel' | 'kpi' | 'pivot';

export interface Chart {
  type: ChartType;
  x?: string;
  y?: string[];
  series?: string;
  stacked?: boolean;
}

export interface ReportDefinition {
  kind: 'report';
  key: string;
  title: string;
  description?: string;
  source: string;
  params?: { key: string; label?: string; type: string; multiple?: boolean; default?: unknown }[];
  dimensions?: Dimension[];
  measures: Measure[];
  filter?: string;
  sort?: { key: string; desc?: boolean }[];
  limit?: { rows: number; others?: boolean };
  totals?: { grand?: boolean; subtotals?: boolean };
  pivot?: { rows: string; columns: string };
  chart?: Chart;
  drill?: Dimension[];
}

export interface Binding {
  param?: string;
  to?: string;
  dimension?: string;
}

export interface DashboardFilter {
  key: string;
  label?: string;
  type: string;
  multiple?: boolean;
  default?: unknown;
}

export interface Widget {
  key: string;
  report: string;
  title?: string;
  x: number;
  y: number;
  w: number;
  h: number;
  params?: Record<string, unknown>;
  bind?: Record<string, Binding>;
}

export interface DashboardDefinition {
  kind: 'dashboard';
  key: string;
  title: string;
  description?: string;
  columns?: number;
  filters?: DashboardFilter[];
  widgets: Widget[];
  linked?: boolean;
}

export interface Column {
  key: string;
  label: string;
  role: 'dimension' | 'measure';
  type: string;
  field?: string;
  bucket?: string;
  agg?: string;
  scale?: number;
  currency?: string;
  target?: string;
}

export interface Row {
  values: Record<string, unknown>;
  labels?: Record<string, string>;
}

export interface Result {
  report: string;
  title: string;
  level: number;
  columns: Column[];
  rows: Row[];
  subtotals?: Row[];
  others?: Row;
  totals?: Row;
  previous?: Row;
  change?: Record<string, number | null>;
  chart?: Chart;
  params: Record<string, unknown>;
}

export interface DimFilter {
  key: string;
  values: unknown[];
}

/** A report run's request: drilling starts from it. */
export interface RunRequest {
  params?: Record<string, unknown>;
  filters?: DimFilter[];
  level: number;
}

export interface Click {
  values: Record<string, unknown>;
  measure?: string;
}

export interface DrillView {
  level: number;
  next?: { dimension: string; request: RunRequest; result: Result };
  records: {
    form: string;
    filter: string;
    page?: { items: Record<string, unknown>[]; page: number; per_page: number; total: number };
  };
}

export interface ReportSummary {
  key: string;
  title: string;
  description?: string;
  source: string;
  version: number;
  chart?: Chart;
  params: { key: string; label: string; type: string; multiple: boolean; default: unknown }[];
  forbidden?: { form: string; field?: string; message: string };
}

export interface ReportDescription extends ReportSummary {
  columns: Column[];
  drill: Column[];
}

export interface DashboardSummary {
  key: string;
  title: string;
  description?: string;
  version: number;
  widget_count: number;
}

export interface WidgetPlace {
  key: string;
  report: string;
  title: string;
  x: number;
  y: number;
  w: number;
  h: number;
}

export interface DashboardView extends DashboardSummary {
  columns: number;
  linked: boolean;
  filters: DashboardFilter[];
  widgets: (WidgetPlace & { chart?: Chart; forbidden?: { message: string } })[];
}

export interface Selection {
  widget: string;
  dimension: string;
  value: unknown;
}

export interface WidgetRun extends WidgetPlace {
  linked?: string;
  request: RunRequest;
  result?: Result;
  error?: { code: string; message: string };
}

export interface DashboardRun extends DashboardSummary {
  filters: Record<string, unknown>;
  selection?: Selection;
  widgets: WidgetRun[];
}
