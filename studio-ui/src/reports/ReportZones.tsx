// Where fields are dropped: dimensions, measures (with their aggregate),
// filters and the drill path; and how the report is drawn.

import type { ReactNode } from 'react';
import { Button, Input, InputNumber, Segmented, Select, Space, Switch, Tooltip } from 'antd';
import {
  AreaChartOutlined,
  BarChartOutlined,
  CloseOutlined,
  FunnelPlotOutlined,
  LineChartOutlined,
  NumberOutlined,
  PieChartOutlined,
  PlusOutlined,
  TableOutlined,
} from '@ant-design/icons';
import { useDroppable } from '@dnd-kit/core';
import { useI18n } from '../i18n';
import { isDate, isNumeric, type DesignState, type FieldInfo, type FilterOp, type FilterRow, type Zone } from './reportModel';
import type { Agg, ChartType, Dimension, Measure, ReportDefinition } from './types';

const aggs: Agg[] = ['sum', 'avg', 'min', 'max', 'count', 'count_distinct'];
const buckets = ['day', 'week', 'month', 'quarter', 'year'] as const;
const ops: FilterOp[] = ['==', '!=', '>', '>=', '<', '<='];
export const chartTypes: { type: ChartType; icon: ReactNode }[] = [
  { type: 'bar', icon: <BarChartOutlined /> },
  { type: 'line', icon: <LineChartOutlined /> },
  { type: 'area', icon: <AreaChartOutlined /> },
  { type: 'pie', icon: <PieChartOutlined /> },
  { type: 'funnel', icon: <FunnelPlotOutlined /> },
  { type: 'kpi', icon: <NumberOutlined /> },
  { type: 'table', icon: <TableOutlined /> },
];

function DropZone({ zone, title, hint, children, extra }: { zone: Zone; title: string; hint: string; children: ReactNode; extra?: ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: `zone:${zone}` });
  return (
    <section ref={setNodeRef} className={`report-zone${isOver ? ' over' : ''}`} data-testid={`zone-${zone}`}>
      <header>
        <strong>{title}</strong>
        {extra}
      </header>
      <div className="report-zone-body">{children}</div>
      <div className="report-zone-hint muted small">{hint}</div>
    </section>
  );
}

interface Props {
  state: DesignState;
  fields: FieldInfo[];
  onChange(s: DesignState): void;
  onPart(zone: Exclude<Zone, 'filters'>, key: string, patch: Partial<Dimension & Measure> | null): void;
  onCount(): void;
}

export function ReportZones({ state, fields, onChange, onPart, onCount }: Props) {
  const { t, label } = useI18n();
  const def = state.def;
  const fieldOf = (path?: string) => fields.find((f) => f.path === path);
  const fieldLabel = (path?: string) => (fieldOf(path) ? label(fieldOf(path)!.label) : (path ?? ''));
  const setFilters = (filters: FilterRow[]) => onChange({ ...state, filters });

  const dimChip = (zone: 'dimensions' | 'drill', d: Dimension) => (
    <div key={d.key} className="report-part" data-testid={`${zone}-${d.key}`}>
      <span className="report-part-name">{fieldLabel(d.field)}</span>
      {isDate(fieldOf(d.field)?.type ?? '') && (
        <Select
          size="small"
          value={d.bucket ?? 'day'}
          aria-label={t('reports.bucket')}
          style={{ width: 90 }}
          onChange={(b) => onPart(zone, d.key, { bucket: b })}
          options={buckets.map((b) => ({ value: b, label: t(`reports.bucket.${b}`) }))}
        />
      )}
      <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={() => onPart(zone, d.key, null)} />
    </div>
  );

  const measureChip = (m: Measure) => (
    <div key={m.key} className="report-part measure" data-testid={`measures-${m.key}`}>
      {m.expr ? (
        <code>{m.expr}</code>
      ) : (
        <>
          <Select
            size="small"
            value={m.agg ?? 'count'}
            aria-label={t('reports.agg')}
            style={{ width: 104 }}
            onChange={(agg) => onPart('measures', m.key, { agg })}
            options={aggs
              .filter((a) => (m.field ? isNumeric(fieldOf(m.field)?.type ?? '') || !['sum', 'avg'].includes(a) : a === 'count'))
              .map((a) => ({ value: a, label: t(`reports.agg.${a}`) }))}
          />
          <span className="report-part-name">{m.field ? fieldLabel(m.field) : t('reports.records')}</span>
        </>
      )}
      <Input
        size="small"
        placeholder={t('reports.label')}
        aria-label={t('reports.label')}
        value={m.label ?? ''}
        style={{ width: 120 }}
        onChange={(e) => onPart('measures', m.key, { label: e.target.value })}
      />
      <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={() => onPart('measures', m.key, null)} />
    </div>
  );

  const filterRow = (r: FilterRow, i: number) => {
    const f = fieldOf(r.field);
    const numeric = isNumeric(f?.type ?? '');
    const set = (patch: Partial<FilterRow>) => setFilters(state.filters.map((x, j) => (j === i ? { ...x, ...patch } : x)));
    return (
      <div key={i} className="report-part" data-testid={`filter-${i}`}>
        <span className="report-part-name">{fieldLabel(r.field)}</span>
        <Select size="small" value={r.op} style={{ width: 64 }} aria-label={t('reports.op')} onChange={(op) => set({ op })} options={ops.map((o) => ({ value: o, label: o }))} />
        {f?.options?.length ? (
          <Select
            size="small"
            style={{ width: 140 }}
            value={r.value === '' ? undefined : (r.value as string)}
            aria-label={t('reports.value')}
            onChange={(v) => set({ value: v })}
            options={f.options.map((o) => ({ value: o.value, label: label(o.label) }))}
          />
        ) : numeric ? (
          <InputNumber size="small" value={typeof r.value === 'number' ? r.value : null} aria-label={t('reports.value')} onChange={(v) => set({ value: v ?? 0 })} />
        ) : (
          <Input size="small" style={{ width: 120 }} value={r.value === null ? '' : String(r.value)} aria-label={t('reports.value')} onChange={(e) => set({ value: e.target.value })} />
        )}
        <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={() => setFilters(state.filters.filter((_, j) => j !== i))} />
      </div>
    );
  };

  return (
    <div className="report-zones">
      <DropZone zone="dimensions" title={t('reports.dimensions')} hint={t('reports.dimensionsHint')}>
        {(def.dimensions ?? []).map((d) => dimChip('dimensions', d))}
      </DropZone>
      <DropZone
        zone="measures"
        title={t('reports.measures')}
        hint={t('reports.measuresHint')}
        extra={
          <Button size="small" type="link" icon={<PlusOutlined />} onClick={onCount} data-testid="add-count">
            {t('reports.addCount')}
          </Button>
        }
      >
        {def.measures.map(measureChip)}
      </DropZone>
      <DropZone zone="filters" title={t('reports.filters')} hint={t('reports.filtersHint')}>
        {state.filters.map(filterRow)}
        <Input
          size="small"
          placeholder={t('reports.filterExpr')}
          aria-label={t('reports.filterExpr')}
          value={state.expr}
          onChange={(e) => onChange({ ...state, expr: e.target.value })}
          className="mono"
        />
      </DropZone>
      <DropZone zone="drill" title={t('reports.drill')} hint={t('reports.drillHint')}>
        {(def.drill ?? []).map((d) => dimChip('drill', d))}
      </DropZone>
    </div>
  );
}

/** How the report is drawn: the chart type, stacking, sort and top-N. */
export function ChartSettings({ def, onChange }: { def: ReportDefinition; onChange(d: ReportDefinition): void }) {
  const { t } = useI18n();
  const chart = def.chart ?? { type: 'table' as ChartType };
  const keys = [...(def.dimensions ?? []), ...def.measures].map((x) => ({ value: x.key, label: x.label || x.key }));
  const sort = def.sort?.[0];
  return (
    <Space wrap className="report-chart-settings" size={[12, 8]}>
      <Segmented
        value={chart.type}
        onChange={(v) => onChange({ ...def, chart: { ...chart, type: v as ChartType } })}
        options={chartTypes.map((c) => ({
          value: c.type,
          label: (
            <Tooltip title={t(`reports.chart.${c.type}`)}>
              <span data-testid={`chart-${c.type}`} aria-label={t(`reports.chart.${c.type}`)}>
                {c.icon}
              </span>
            </Tooltip>
          ),
        }))}
      />
      {['bar', 'line', 'area'].includes(chart.type) && (
        <label className="small">
          <Switch size="small" checked={!!chart.stacked} onChange={(stacked) => onChange({ ...def, chart: { ...chart, stacked: stacked || undefined } })} /> {t('reports.stacked')}
        </label>
      )}
      <span className="small muted">{t('reports.sortBy')}</span>
      <Select
        size="small"
        allowClear
        style={{ width: 140 }}
        value={sort?.key}
        aria-label={t('reports.sortBy')}
        onChange={(key) => onChange({ ...def, sort: key ? [{ key, desc: sort?.desc || undefined }] : undefined })}
        options={keys}
      />
      {sort && (
        <Select
          size="small"
          style={{ width: 96 }}
          value={sort.desc ? 'desc' : 'asc'}
          onChange={(v) => onChange({ ...def, sort: [{ key: sort.key, desc: v === 'desc' || undefined }] })}
          options={[
            { value: 'asc', label: t('reports.asc') },
            { value: 'desc', label: t('reports.desc') },
          ]}
        />
      )}
      <span className="small muted">{t('reports.limit')}</span>
      <InputNumber
        size="small"
        min={1}
        max={1000}
        style={{ width: 80 }}
        value={def.limit?.rows ?? null}
        aria-label={t('reports.limit')}
        onChange={(rows) => onChange({ ...def, limit: rows ? { rows } : undefined })}
      />
      <label className="small">
        <Switch size="small" checked={!!def.totals?.grand} onChange={(grand) => onChange({ ...def, totals: grand ? { ...def.totals, grand } : undefined })} />{' '}
        {t('reports.totals')}
      </label>
    </Space>
  );
}
