// A report result as a table: one row per group, the totals below. A click
// on a row drills into it.

import { useCallback } from 'react';
import { Table } from 'antd';
import { useI18n } from '../i18n';
import { numberOf, valueText } from './chartOption';
import type { Click, Column, Result, Row } from './types';

/** Formats a measure's value by its column: money with its currency. */
export function useMeasureFormat() {
  const { fmt } = useI18n();
  return useCallback(
    (c: Column, v: unknown): string => {
      const n = numberOf(v);
      if (n === null) return '—';
      if (c.type === 'money') return fmt.money(n, c.currency || 'CNY', c.scale ?? 2);
      if (c.type === 'percent') return fmt.percent(n, c.scale ?? 2);
      return fmt.number(n, c.agg === 'avg' || c.type === 'number' ? Math.min(c.scale ?? 2, 2) : undefined);
    },
    [fmt],
  );
}

export function ResultTable({ result, onClick }: { result: Result; onClick?(click: Click): void }) {
  const { t } = useI18n();
  const format = useMeasureFormat();
  const dims = result.columns.filter((c) => c.role === 'dimension');
  const rows: (Row & { _k: string; _total?: boolean })[] = result.rows.map((r, i) => ({ ...r, _k: String(i) }));
  if (result.totals) rows.push({ ...result.totals, _k: 'total', _total: true });
  return (
    <Table
      size="small"
      rowKey="_k"
      pagination={rows.length > 50 ? { pageSize: 50 } : false}
      dataSource={rows}
      scroll={{ x: 'max-content' }}
      rowClassName={(r) => (r._total ? 'report-total' : onClick ? 'clickable' : '')}
      onRow={(r) => ({
        onClick: onClick && !r._total ? () => onClick({ values: Object.fromEntries(dims.map((d) => [d.key, r.values[d.key] ?? null])) }) : undefined,
      })}
      columns={result.columns.map((c, i) => ({
        key: c.key,
        title: c.label,
        align: c.role === 'measure' ? ('right' as const) : undefined,
        render: (_: unknown, r: Row & { _total?: boolean }) =>
          c.role === 'measure' ? format(c, r.values[c.key]) : r._total ? (i === 0 ? t('reports.total') : '') : valueText(r, c.key, t('reports.noValue')),
      }))}
    />
  );
}
