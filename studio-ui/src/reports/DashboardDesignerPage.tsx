// The dashboard designer: drag published reports onto a grid, move and
// resize them by dragging, add shared filters and wire them to each report's
// parameters or dimensions, and preview the whole as a chosen role.

import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Input, Popover, Select, Space, Switch, Tabs, Tag, Typography } from 'antd';
import { ArrowLeftOutlined, CloseOutlined, DragOutlined, PlusOutlined, SettingOutlined } from '@ant-design/icons';
import { DndContext, PointerSensor, useDraggable, useDroppable, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { DashboardGrid } from './DashboardGrid';
import { addFilter, addWidget, bindWidget, bottom, defaultColumns, moveWidget, newDashboard, overlaps, removeFilter, removeWidget } from './dashboardModel';
import { baseOf, loadDoc, publishedRoles } from './definitionDoc';
import { reportApi, type DashboardRequest } from './reportApi';
import type { Binding, DashboardDefinition, DashboardFilter, ReportDescription, ReportSummary, Widget } from './types';
import { useDraftLifecycle, type Base } from './useDraftLifecycle';
import './reports.css';

const rowHeight = 56;
const filterTypes = ['date_range', 'date', 'text', 'integer', 'number', 'boolean'];

export function DashboardDesignerPage() {
  const { key = '' } = useParams();
  const fresh = (useLocation().state as { newDashboard?: { title: string } } | null)?.newDashboard;
  const { t, label } = useI18n();
  const [def, setDef] = useState<DashboardDefinition | null>(null);
  const [base, setBase] = useState<Base | null>(null);
  const [savedText, setSavedText] = useState('');
  const [reports, setReports] = useState<ReportSummary[]>([]);
  const [described, setDescribed] = useState<Record<string, ReportDescription>>({});
  const [roles, setRoles] = useState<{ key: string; title: string }[]>([]);
  const [asRole, setAsRole] = useState<string | undefined>();
  const [error, setError] = useState<unknown>(null);
  const [tab, setTab] = useState('layout');

  const load = useCallback(async () => {
    setError(null);
    try {
      const [doc, list, defs] = await Promise.all([loadDoc<DashboardDefinition>('dashboard', key), reportApi.reports(), definitions.list()]);
      setReports(list);
      setRoles(publishedRoles(defs));
      const body = doc?.body ?? (fresh ? newDashboard(key, fresh.title) : null);
      if (!body) throw new ApiError(404, 'not_found', t('reports.noSuchDashboard', { key }));
      setDef(body);
      setSavedText(doc ? JSON.stringify(body) : '');
      setBase(baseOf(doc));
    } catch (e) {
      setError(e);
    }
  }, [key, fresh, t]);
  useEffect(() => {
    void load();
  }, [load]);

  // what each widget's report offers to bind to: its parameters and dimensions
  const reportKeys = useMemo(() => [...new Set(def?.widgets.map((w) => w.report) ?? [])].join(','), [def]);
  useEffect(() => {
    for (const k of reportKeys.split(',').filter(Boolean)) {
      if (described[k]) continue;
      reportApi.report(k).then((d) => setDescribed((x) => ({ ...x, [k]: d })), () => {});
    }
  }, [reportKeys, described]);

  const text = def ? JSON.stringify(def) : '';
  const life = useDraftLifecycle({ kind: 'dashboard', docKey: key, body: def, base, setBase, savedText, setSavedText, reload: load });
  const run = useCallback((req: DashboardRequest) => reportApi.previewDashboard(JSON.parse(text) as DashboardDefinition, req, asRole), [text, asRole]);
  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  const grid = useRef<HTMLDivElement>(null);

  if (error) return <PageError error={error} onRetry={() => void load()} />;
  if (!def || !base) return <PageLoading />;

  const columns = def.columns || defaultColumns;
  const onDragEnd = (e: DragEndEvent) => {
    const id = String(e.active.id);
    const cell = (grid.current?.clientWidth ?? 960) / columns;
    const dx = Math.round(e.delta.x / cell);
    const dy = Math.round(e.delta.y / rowHeight);
    if (id.startsWith('report:')) {
      if (e.over?.id === 'grid') setDef(addWidget(def, id.slice('report:'.length)));
    } else if (id.startsWith('move:')) setDef(moveWidget(def, id.slice(5), dx, dy));
    else if (id.startsWith('size:')) setDef(moveWidget(def, id.slice(5), 0, 0, dx, dy));
  };


  const clash = overlaps(def);
  const updateWidget = (w: Widget) => setDef({ ...def, widgets: def.widgets.map((x) => (x.key === w.key ? w : x)) });
  return (
    <div className="page dashboard-designer">
      <div className="page-head">
        <Space align="center" wrap>
          <Link to="/studio/reports?tab=dashboards" aria-label={t('reports.back')}>
            <ArrowLeftOutlined />
          </Link>
          <Input value={def.title} aria-label={t('reports.dashboardTitle')} onChange={(e) => setDef({ ...def, title: e.target.value })} style={{ width: 280, fontWeight: 600 }} />
          <code>{key}</code>
          {life.tags}
        </Space>
        <Space>
          {base.liveVersion > 0 && <Link to={`/studio/reports/dashboards/${key}`}>{t('reports.open')}</Link>}
          {life.actions}
        </Space>
      </div>
      <Tabs
        activeKey={tab}
        onChange={setTab}
        items={[
          {
            key: 'layout',
            label: t('reports.layout'),
            children: (
              <DndContext sensors={sensors} onDragEnd={onDragEnd}>
                <div className="report-board">
                  <aside className="report-side">
                    <Typography.Text type="secondary" className="small">
                      {t('reports.dragReports')}
                    </Typography.Text>
                    {reports.map((r) => (
                      <ReportChip key={r.key} report={r} onAdd={() => setDef(addWidget(def, r.key))} />
                    ))}
                  </aside>
                  <div className="report-main">
                    <FiltersEditor def={def} onChange={setDef} />
                    {clash.length > 0 && <ErrorAlert error={new Error(t('reports.overlap', { a: clash[0][0], b: clash[0][1] }))} style={{ marginBottom: 8 }} />}
                    <DesignGrid refEl={grid} columns={columns} rows={Math.max(bottom(def) + 3, 8)}>
                      {def.widgets.map((w) => (
                        <WidgetTile
                          key={w.key}
                          widget={w}
                          title={label(w.title || reports.find((r) => r.key === w.report)?.title || w.report)}
                          filters={def.filters ?? []}
                          report={described[w.report]}
                          onChange={updateWidget}
                          onRemove={() => setDef(removeWidget(def, w.key))}
                        />
                      ))}
                    </DesignGrid>
                  </div>
                </div>
              </DndContext>
            ),
          },
          {
            key: 'preview',
            label: t('reports.preview'),
            children: (
              <div data-testid="dashboard-preview">
                <Space style={{ marginBottom: 12 }}>
                  <span className="small muted">{t('reports.previewAs')}</span>
                  <Select
                    allowClear
                    placeholder={t('reports.me')}
                    style={{ width: 180 }}
                    value={asRole}
                    onChange={setAsRole}
                    options={roles.map((r) => ({ value: r.key, label: label(r.title) }))}
                    aria-label={t('reports.previewAs')}
                    data-testid="preview-role"
                  />
                </Space>
                {tab === 'preview' && def.widgets.length > 0 && (
                  <DashboardGrid spec={{ columns, linked: !!def.linked, filters: def.filters ?? [] }} run={run} drill={false} version={`${text}|${asRole}`} />
                )}
              </div>
            ),
          },
        ]}
      />
      {life.dialogs}
    </div>
  );
}

function ReportChip({ report, onAdd }: { report: ReportSummary; onAdd(): void }) {
  const { t, label } = useI18n();
  const { attributes, listeners, setNodeRef, isDragging, transform } = useDraggable({ id: `report:${report.key}` });
  const style = transform ? { transform: `translate(${transform.x}px, ${transform.y}px)`, zIndex: 10, position: 'relative' as const } : undefined;
  return (
    <div ref={setNodeRef} style={style} className={`report-field${isDragging ? ' dragging' : ''}`} data-testid={`report-${report.key}`} {...listeners} {...attributes}>
      <span className="report-field-label">{label(report.title)}</span>
      <button type="button" className="report-field-add" aria-label={t('reports.addWidget', { report: label(report.title) })} onPointerDown={(e) => e.stopPropagation()} onClick={onAdd}>
        <PlusOutlined />
      </button>
    </div>
  );
}

function DesignGrid({ refEl, columns, rows, children }: { refEl: React.RefObject<HTMLDivElement | null>; columns: number; rows: number; children: React.ReactNode }) {
  const { setNodeRef, isOver } = useDroppable({ id: 'grid' });
  return (
    <div
      ref={(el) => {
        setNodeRef(el);
        refEl.current = el;
      }}
      className={`dash-design-grid${isOver ? ' over' : ''}`}
      data-testid="dashboard-grid"
      style={{
        gridTemplateColumns: `repeat(${columns}, minmax(0, 1fr))`,
        gridTemplateRows: `repeat(${rows}, ${rowHeight}px)`,
        backgroundSize: `calc(100% / ${columns}) ${rowHeight}px`,
      }}
    >
      {children}
    </div>
  );
}

interface TileProps {
  widget: Widget;
  title: string;
  filters: DashboardFilter[];
  report?: ReportDescription;
  onChange(w: Widget): void;
  onRemove(): void;
}

function WidgetTile({ widget: w, title, filters, report, onChange, onRemove }: TileProps) {
  const { t } = useI18n();
  const move = useDraggable({ id: `move:${w.key}` });
  const size = useDraggable({ id: `size:${w.key}` });
  const d = move.transform ?? size.transform;
  const style: React.CSSProperties = {
    gridColumn: `${w.x + 1} / span ${w.w}`,
    gridRow: `${w.y + 1} / span ${w.h}`,
    transform: move.transform ? `translate(${d!.x}px, ${d!.y}px)` : undefined,
    outline: size.transform ? '2px dashed #1668dc' : undefined,
  };
  return (
    <div ref={move.setNodeRef} className="dash-tile" style={style} data-testid={`tile-${w.key}`}>
      <div className="dash-tile-head">
        <span className="dash-tile-grip" {...move.listeners} {...move.attributes} aria-label={t('reports.moveWidget')}>
          <DragOutlined />
        </span>
        <strong className="clamp">{title}</strong>
        <Popover trigger="click" title={t('reports.widgetSettings')} content={<WidgetSettings widget={w} filters={filters} report={report} onChange={onChange} />}>
          <Button size="small" type="text" icon={<SettingOutlined />} aria-label={t('reports.widgetSettings')} />
        </Popover>
        <Button size="small" type="text" icon={<CloseOutlined />} aria-label={t('common.remove')} onClick={onRemove} />
      </div>
      <div className="muted small">
        <code>{w.report}</code> · {w.w}×{w.h}
        {w.bind && Object.keys(w.bind).map((f) => <Tag key={f} style={{ marginLeft: 4 }}>{f}</Tag>)}
      </div>
      <span ref={size.setNodeRef} className="dash-tile-resize" {...size.listeners} {...size.attributes} aria-label={t('reports.resizeWidget')} />
    </div>
  );
}

function WidgetSettings({ widget: w, filters, report, onChange }: Omit<TileProps, 'title' | 'onRemove'>) {
  const { t } = useI18n();
  const params = report?.params ?? [];
  const dims = [...(report?.columns ?? []).filter((c) => c.role === 'dimension'), ...(report?.drill ?? [])];
  const options = [
    ...params.map((p) => ({ value: `param:${p.key}`, label: t('reports.bindParam', { name: p.label || p.key }) })),
    ...dims.map((c) => ({ value: `dimension:${c.key}`, label: t('reports.bindDimension', { name: c.label }) })),
  ];
  const valueOf = (b?: Binding) => (b?.param ? `param:${b.param}` : b?.dimension ? `dimension:${b.dimension}` : undefined);
  return (
    <div className="widget-settings">
      <label className="small muted">{t('reports.widgetTitle')}</label>
      <Input size="small" value={w.title ?? ''} onChange={(e) => onChange({ ...w, title: e.target.value || undefined })} />
      {filters.map((f) => {
        const b = w.bind?.[f.key];
        return (
          <div key={f.key} style={{ marginTop: 8 }}>
            <label className="small muted">{t('reports.bindFilter', { filter: f.label || f.key })}</label>
            <Space.Compact block>
              <Select
                size="small"
                allowClear
                style={{ width: 200 }}
                value={valueOf(b)}
                placeholder={t('reports.notBound')}
                options={options}
                onChange={(v?: string) => {
                  const [kind, name] = (v ?? '').split(':');
                  onChange(bindWidget(w, f.key, v ? (kind === 'param' ? { param: name } : { dimension: name }) : null));
                }}
              />
              {f.type === 'date_range' && b?.param && (
                <Select
                  size="small"
                  allowClear
                  style={{ width: 120 }}
                  value={b.to}
                  placeholder={t('reports.bindTo')}
                  options={params.map((p) => ({ value: p.key, label: p.label || p.key }))}
                  onChange={(to?: string) => onChange(bindWidget(w, f.key, { ...b, to }))}
                />
              )}
            </Space.Compact>
          </div>
        );
      })}
    </div>
  );
}

function FiltersEditor({ def, onChange }: { def: DashboardDefinition; onChange(d: DashboardDefinition): void }) {
  const { t } = useI18n();
  const [name, setName] = useState('');
  const [type, setType] = useState('date_range');
  return (
    <div className="dash-filters-editor">
      <strong>{t('reports.sharedFilters')}</strong>
      {(def.filters ?? []).map((f) => (
        <Tag key={f.key} closable onClose={() => onChange(removeFilter(def, f.key))}>
          {f.label || f.key} <span className="muted">({t(`reports.filterType.${f.type}` as 'reports.filterType.date')})</span>
        </Tag>
      ))}
      <Space.Compact>
        <Input size="small" placeholder={t('reports.filterName')} value={name} onChange={(e) => setName(e.target.value)} style={{ width: 140 }} aria-label={t('reports.filterName')} />
        <Select size="small" value={type} onChange={setType} style={{ width: 120 }} options={filterTypes.map((x) => ({ value: x, label: t(`reports.filterType.${x}` as 'reports.filterType.date') }))} />
        <Button
          size="small"
          icon={<PlusOutlined />}
          disabled={!name.trim()}
          onClick={() => {
            onChange({ ...def, filters: addFilter(def, name.trim(), type) });
            setName('');
          }}
        >
          {t('reports.addFilter')}
        </Button>
      </Space.Compact>
      <label className="small">
        <Switch size="small" checked={!!def.linked} onChange={(linked) => onChange({ ...def, linked: linked || undefined })} /> {t('reports.linked')}
      </label>
    </div>
  );
}
