// A report result drawn: an ECharts chart, a big number or a table. Only the
// ECharts parts used are imported, and only lazy pages import this file.

import { useEffect, useMemo, useRef } from 'react';
import * as echarts from 'echarts/core';
import { BarChart, FunnelChart, LineChart, PieChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import { SVGRenderer } from 'echarts/renderers';
import { Empty, Statistic } from 'antd';
import { useI18n } from '../i18n';
import { buildChart, chartOf, numberOf } from './chartOption';
import { ResultTable, useMeasureFormat } from './ResultTable';
import type { Chart, Click, Result } from './types';

// note: SVG rather than canvas: crisp at any zoom, and each bar is an element
// a screen reader and a browser test can find.
echarts.use([BarChart, LineChart, PieChart, FunnelChart, GridComponent, LegendComponent, TooltipComponent, SVGRenderer]);

interface Props {
  result: Result;
  /** The report's chart, when the result carries none. */
  chart?: Chart;
  height?: number | string;
  /** A click on a bar, point, slice or row. */
  onClick?(click: Click): void;
}

export function ReportChart({ result, chart: fallback, height = 300, onClick }: Props) {
  const { t } = useI18n();
  const chart = chartOf(result, fallback);
  const model = useMemo(() => buildChart(result, chart, { none: t('reports.noValue') }), [result, chart, t]);
  if (!result.rows.length && !result.totals) return <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('reports.noRows')} />;
  if (chart.type === 'kpi') return <Kpi result={result} />;
  if (!model.option) return <ResultTable result={result} onClick={onClick} />;
  const click = (seriesIndex: number, dataIndex: number) => {
    const values = model.clickAt(seriesIndex, dataIndex);
    if (values && onClick) onClick({ values, measure: model.measureAt(seriesIndex) });
  };
  return <EChart option={model.option} height={height} onClick={onClick ? click : undefined} label={result.title} />;
}

function EChart({ option, height, onClick, label }: { option: Record<string, unknown>; height: number | string; label: string; onClick?(s: number, d: number): void }) {
  const el = useRef<HTMLDivElement>(null);
  const inst = useRef<echarts.ECharts | null>(null);
  const clickRef = useRef(onClick);
  clickRef.current = onClick;
  useEffect(() => {
    const chart = echarts.init(el.current!, undefined, { renderer: 'svg' });
    inst.current = chart;
    chart.on('click', (p) => clickRef.current?.(p.seriesIndex ?? 0, p.dataIndex ?? 0));
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(el.current!);
    return () => {
      resize.disconnect();
      chart.dispose();
      inst.current = null;
    };
  }, []);
  useEffect(() => {
    inst.current?.setOption({ ...option, animation: false }, true);
  }, [option]);
  return <div ref={el} className={onClick ? 'report-chart clickable' : 'report-chart'} style={{ height, width: '100%' }} role="img" aria-label={label} />;
}

/** A report without dimensions: its measures as big numbers, with the
 * change from the previous period when the report compares. */
function Kpi({ result }: { result: Result }) {
  const format = useMeasureFormat();
  const row = result.totals ?? result.rows[0];
  return (
    <div className="report-kpi">
      {result.columns
        .filter((c) => c.role === 'measure')
        .map((c) => {
          const change = numberOf(result.change?.[c.key]);
          return (
            <div key={c.key}>
              <Statistic title={c.label} value={format(c, row?.values[c.key])} />
              {change !== null && (
                <div className={change >= 0 ? 'kpi-up' : 'kpi-down'}>
                  {change >= 0 ? '▲' : '▼'} {(Math.abs(change) * 100).toFixed(1)}%
                </div>
              )}
            </div>
          );
        })}
    </div>
  );
}
