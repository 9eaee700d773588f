// Where a click on a report leads: down its drill path level by level, and
// at the end the records behind the cell, as the viewer may read them (the
// server leaves out the fields they may not see), with an export.

import { useEffect, useState } from 'react';
import { Breadcrumb, Button, Drawer, Space, Table, Typography } from 'antd';
import { DownloadOutlined } from '@ant-design/icons';
import { forms } from '../api/forms';
import type { FieldDef } from '../api/types';
import { useI18n, type I18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { FieldValue } from '../workspace/FieldValue';
import { ReportChart } from './ReportChart';
import { download, reportApi } from './reportApi';
import type { Click, DrillView, RunRequest } from './types';

export interface DrillStart {
  report: string;
  title: string;
  request: RunRequest;
  click: Click;
  /** How the click reads, for the breadcrumb. */
  caption: string;
}

interface Step {
  request: RunRequest;
  click: Click;
  caption: string;
  view?: DrillView;
  error?: unknown;
}

const shown = (f: FieldDef) => !['sub_table', 'attachment', 'long_text', 'rich_text'].includes(f.type);

/** A value as text: a choice by its label, money in its currency, a
 * related record or person by its label (or number). */
function cellText(f: FieldDef, v: unknown, i18n: Pick<I18n, 'label' | 't' | 'fmt'>): string {
  if (v === null || v === undefined || v === '') return '';
  if (Array.isArray(v)) return v.map((x) => cellText(f, x, i18n)).join(', ');
  if (typeof v === 'object') {
    const o = v as Record<string, unknown>;
    return String(o.label ?? o.title ?? o.name ?? o.display ?? (o.id !== undefined ? `#${o.id}` : ''));
  }
  const type = f.type === 'formula' ? (f.result ?? 'number') : f.type;
  const option = f.options?.find((o) => o.value === v);
  if (option) return i18n.label(option.label);
  if (type === 'boolean') return v ? i18n.t('common.yes') : i18n.t('common.no');
  if (type === 'money' && Number.isFinite(Number(v))) return i18n.fmt.money(Number(v), f.currency || 'CNY', f.scale ?? 2);
  if (type === 'percent' && Number.isFinite(Number(v))) return i18n.fmt.percent(Number(v));
  return String(v);
}

export function DrillDrawer({ start, onClose, extra }: { start: DrillStart | null; onClose(): void; extra?: React.ReactNode }) {
  const i18n = useI18n();
  const { t, label } = i18n;
  const [steps, setSteps] = useState<Step[]>([]);
  const [fields, setFields] = useState<FieldDef[] | null>(null);
  const [exporting, setExporting] = useState(false);
  const [exportError, setExportError] = useState<unknown>(null);

  const go = (base: Step[], step: Step) => {
    const next = [...base, step];
    setSteps(next);
    reportApi.drill(start!.report, step.request, step.click).then(
      (view) => setSteps((s) => (s.length === next.length ? [...base, { ...step, view }] : s)),
      (error) => setSteps((s) => (s.length === next.length ? [...base, { ...step, error }] : s)),
    );
  };

  useEffect(() => {
    setExportError(null);
    if (start) go([], { request: start.request, click: start.click, caption: start.caption });
    else setSteps([]);
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [start]);

  const last = steps[steps.length - 1];
  const form = last?.view?.records.form;
  useEffect(() => {
    if (!form || last?.view?.next) return;
    forms.get(form).then(
      (d) => setFields(d.definition.fields.filter(shown)),
      () => setFields([]),
    );
  }, [form, last?.view?.next]);

  const items = last?.view?.records.page?.items ?? [];
  const present = new Set(items.flatMap((i) => Object.keys(i)));
  const cols = (fields ?? []).filter((f) => present.has(f.key));

  const exportRecords = () => {
    setExporting(true);
    setExportError(null);
    download(`/api/v1/reports/${encodeURIComponent(start!.report)}/drill/export?format=xlsx`, { ...last.request, click: last.click }, `${form}.xlsx`)
      .catch(setExportError)
      .finally(() => setExporting(false));
  };

  return (
    <Drawer
      open={start !== null}
      onClose={onClose}
      size="large"
      title={start ? label(start.title) : ''}
      extra={
        <Space>
          {extra}
          {last?.view?.records.page && (
            <Button icon={<DownloadOutlined />} loading={exporting} onClick={exportRecords} data-testid="drill-export">
              {t('reports.export')}
            </Button>
          )}
        </Space>
      }
    >
      <Breadcrumb
        style={{ marginBottom: 12 }}
        items={steps.map((s, i) => ({
          title:
            i < steps.length - 1 ? (
              <a onClick={() => setSteps(steps.slice(0, i + 1))}>{s.caption}</a>
            ) : (
              <span data-testid="drill-caption">{s.caption}</span>
            ),
        }))}
      />
      {exportError !== null && <ErrorAlert error={exportError} style={{ marginBottom: 12 }} />}
      {last?.error !== undefined && <ErrorAlert error={last.error} />}
      {last && !last.view && last.error === undefined && <Typography.Text type="secondary">{t('common.loading')}</Typography.Text>}
      {last?.view?.next && (
        <>
          <Typography.Paragraph type="secondary">{t('reports.drillNext', { dim: last.view.next.result.columns.find((c) => c.key === last.view!.next!.dimension)?.label ?? last.view.next.dimension })}</Typography.Paragraph>
          <ReportChart
            result={last.view.next.result}
            height={320}
            onClick={(click) =>
              go(steps, { request: last.view!.next!.request, click, caption: captionOf(last.view!.next!.result, click, t('reports.noValue'), label) })
            }
          />
        </>
      )}
      {last?.view && !last.view.next && (
        <div data-testid="drill-records">
          <Typography.Paragraph type="secondary">{t('reports.drillRecords', { n: last.view.records.page?.total ?? 0 })}</Typography.Paragraph>
          <Table
            size="small"
            rowKey={(r) => String(r.id)}
            dataSource={items}
            loading={fields === null}
            pagination={false}
            scroll={{ x: 'max-content' }}
            columns={[
              { key: 'id', title: '#', render: (_: unknown, r: Record<string, unknown>) => String(r.id ?? '') },
              ...cols.map((f) => ({ key: f.key, title: label(f.label), render: (_: unknown, r: Record<string, unknown>) =>
                  // note: a linked record or person is named, as in the workspace's lists
                  (f.type === 'relation' || f.type === 'user') && typeof r[f.key] === 'number' ? <FieldValue def={f} value={r[f.key]} /> : cellText(f, r[f.key], i18n),
              })),
            ]}
          />
        </div>
      )}
    </Drawer>
  );
}

/** How a click reads: its dimension values' labels, joined. */
export function captionOf(
  result: { columns: { key: string; label: string }[]; rows: { values: Record<string, unknown>; labels?: Record<string, string> }[] },
  click: Click,
  none: string,
  label: (bilingual: string) => string = (s) => s,
): string {
  return Object.entries(click.values)
    .map(([k, v]) => {
      const row = result.rows.find((r) => r.values[k] === v);
      const text = row?.labels?.[k] ?? (v === null || v === undefined ? none : String(v));
      return `${label(result.columns.find((c) => c.key === k)?.label ?? k)}: ${label(text)}`;
    })
    .join(' · ');
}
