// A dashboard's widgets on its grid with its shared filters: run as one
// request, re-run when a filter or the linked selection changes. A click on
// a chart drills into the records behind it; on a linked dashboard it can
// also narrow the other widgets.

import { useCallback, useEffect, useState } from 'react';
import { Alert, Button, Card, DatePicker, Input, InputNumber, Select, Space, Spin, Tag, Tooltip } from 'antd';
import { DownloadOutlined, FilterOutlined } from '@ant-design/icons';
import dayjs from 'dayjs';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { captionOf, DrillDrawer, type DrillStart } from './DrillDrawer';
import { ReportChart } from './ReportChart';
import { download, type DashboardRequest } from './reportApi';
import type { Click, DashboardFilter, DashboardRun, Selection, WidgetRun } from './types';

const rowHeight = 72;
const gap = 12;

export interface GridSpec {
  columns: number;
  linked: boolean;
  filters: DashboardFilter[];
}

interface Props {
  spec: GridSpec;
  run(req: DashboardRequest): Promise<DashboardRun>;
  /** Whether clicks drill (a published dashboard) or only narrow. */
  drill?: boolean;
  /** Changes when what is run changes, to run again. */
  version?: unknown;
}

export function DashboardGrid({ spec, run, drill = true, version }: Props) {
  const { t, label } = useI18n();
  const [filters, setFilters] = useState<Record<string, unknown>>({});
  const [selection, setSelection] = useState<Selection | undefined>();
  const [data, setData] = useState<DashboardRun | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [drilling, setDrilling] = useState<(DrillStart & { widget: string }) | null>(null);

  const load = useCallback(() => {
    setLoading(true);
    setError(null);
    run({ filters, selection }).then(
      (d) => {
        setData(d);
        setLoading(false);
      },
      (e) => {
        setError(e);
        setLoading(false);
      },
    );
  }, [run, filters, selection]);
  useEffect(load, [load, version]);

  const inForce = (key: string) => (key in filters ? filters[key] : data?.filters[key]);
  const setFilter = (key: string, v: unknown) => setFilters((f) => ({ ...f, [key]: v }));

  const onClick = (w: WidgetRun, click: Click) => {
    if (!w.result) return;
    const caption = captionOf(w.result, click, t('reports.noValue'), label);
    if (drill) setDrilling({ report: w.report, title: w.title, request: w.request, click, caption, widget: w.key });
    else if (spec.linked) select(w.key, click);
  };
  const select = (widget: string, click: Click) => {
    const [dimension, value] = Object.entries(click.values)[0] ?? [];
    if (dimension) setSelection({ widget, dimension, value });
  };

  const widgets = data?.widgets ?? [];
  return (
    <div className="dashboard">
      <Space wrap className="dash-filters" size={[16, 8]}>
        {spec.filters.map((f) => (
          <label key={f.key} className="dash-filter">
            <span className="muted">{label(f.label ?? f.key)}</span>
            <FilterInput filter={f} value={inForce(f.key)} onChange={(v) => setFilter(f.key, v)} />
          </label>
        ))}
        {selection && data && (
          <Tag closable color="blue" onClose={() => setSelection(undefined)} data-testid="selection">
            <FilterOutlined /> {selectionText(data, selection, t('reports.noValue'), label)}
          </Tag>
        )}
        {loading && <Spin size="small" />}
      </Space>
      {error !== null && <ErrorAlert error={error} style={{ marginBottom: 12 }} />}
      <div className="dash-grid" style={{ gridTemplateColumns: `repeat(${spec.columns || 12}, minmax(0, 1fr))`, gridAutoRows: rowHeight, gap }}>
        {widgets.map((w) => (
          <Card
            key={w.key}
            size="small"
            data-testid={`widget-${w.key}`}
            className={w.linked ? 'dash-widget linked' : 'dash-widget'}
            style={{ gridColumn: `${w.x + 1} / span ${w.w}`, gridRow: `${w.y + 1} / span ${w.h}` }}
            title={label(w.title)}
            extra={
              w.result && (
                <Tooltip title={t('reports.export')}>
                  <Button
                    type="text"
                    size="small"
                    icon={<DownloadOutlined />}
                    aria-label={t('reports.export')}
                    onClick={() => download(`/api/v1/reports/${encodeURIComponent(w.report)}/export?format=xlsx`, w.request, `${w.report}.xlsx`).catch(setError)}
                  />
                </Tooltip>
              )
            }
          >
            {w.error ? (
              <Alert type={w.error.code === 'forbidden' ? 'warning' : 'error'} showIcon title={w.error.message} />
            ) : w.result ? (
              <ReportChart result={w.result} chart={w.result.chart} height={w.h * rowHeight + (w.h - 1) * gap - 64} onClick={(c) => onClick(w, c)} />
            ) : null}
          </Card>
        ))}
      </div>
      <DrillDrawer
        start={drilling}
        onClose={() => setDrilling(null)}
        extra={
          spec.linked && drilling ? (
            <Button
              icon={<FilterOutlined />}
              onClick={() => {
                select(drilling.widget, drilling.click);
                setDrilling(null);
              }}
            >
              {t('reports.narrowOthers')}
            </Button>
          ) : undefined
        }
      />
    </div>
  );
}

function selectionText(run: DashboardRun, s: Selection, none: string, label: (s: string) => string): string {
  const w = run.widgets.find((x) => x.key === s.widget);
  if (!w?.result) return String(s.value ?? none);
  return captionOf(w.result, { values: { [s.dimension]: s.value } }, none, label);
}

/** The control of one shared filter. */
function FilterInput({ filter, value, onChange }: { filter: DashboardFilter; value: unknown; onChange(v: unknown): void }) {
  const { t } = useI18n();
  const day = (s: unknown) => (typeof s === 'string' && s ? dayjs(s) : null);
  switch (filter.type) {
    case 'date_range': {
      const r = (value ?? {}) as { from?: string; to?: string };
      return (
        <DatePicker.RangePicker
          allowEmpty={[true, true]}
          value={[day(r.from), day(r.to)]}
          onChange={(v) => onChange(v ? { from: v[0]?.format('YYYY-MM-DD'), to: v[1]?.format('YYYY-MM-DD') } : null)}
        />
      );
    }
    case 'date':
      return <DatePicker value={day(value)} onChange={(d) => onChange(d ? d.format('YYYY-MM-DD') : null)} />;
    case 'integer':
    case 'number':
      return <InputNumber value={value as number | null} onChange={(v) => onChange(v)} />;
    case 'boolean':
      return (
        <Select
          allowClear
          style={{ width: 100 }}
          value={value as boolean | undefined}
          onChange={(v) => onChange(v ?? null)}
          options={[
            { value: true, label: t('common.yes') },
            { value: false, label: t('common.no') },
          ]}
        />
      );
    default:
      return filter.multiple ? (
        <Select mode="tags" style={{ minWidth: 160 }} value={(value as string[]) ?? []} onChange={(v) => onChange(v)} />
      ) : (
        <Input allowClear style={{ width: 160 }} defaultValue={(value as string) ?? ''} onPressEnter={(e) => onChange((e.target as HTMLInputElement).value || null)} />
      );
  }
}
