// The report designer: pick a source form (and related forms), drag fields
// to dimensions, measures, filters and the drill path, choose a chart, and
// see the results live; save drafts, publish, roll back.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { Input, Result as Empty, Select, Space, Typography } from 'antd';
import { ArrowLeftOutlined, LoadingOutlined } from '@ant-design/icons';
import { DndContext, DragOverlay, PointerSensor, useSensor, useSensors, type DragEndEvent, type DragStartEvent } from '@dnd-kit/core';
import { Link, useLocation, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import { forms as formsAPI } from '../api/forms';
import type { FormDefinition, FormSummary } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { baseOf, loadDoc, publishedRoles } from './definitionDoc';
import { FieldList } from './FieldList';
import { ReportChart } from './ReportChart';
import {
  addCount,
  dropField,
  fieldsOf,
  filterRowFor,
  fromDefinition,
  newReport,
  relationsOf,
  removePart,
  toDefinition,
  updatePart,
  withChart,
  type DesignState,
  type FieldInfo,
  type Zone,
} from './reportModel';
import { ResultTable } from './ResultTable';
import { ChartSettings, ReportZones } from './ReportZones';
import type { ReportDefinition } from './types';
import { usePreview } from './usePreview';
import { useDraftLifecycle, type Base } from './useDraftLifecycle';
import './reports.css';

/** The related forms a report already reads: the relations its paths go through. */
function relatedIn(def: ReportDefinition): string[] {
  const paths = [...(def.dimensions ?? []), ...def.measures, ...(def.drill ?? [])].map((x) => ('field' in x ? x.field : undefined) ?? '');
  return [...new Set(paths.filter((p) => p.includes('.')).map((p) => p.split('.')[0]))];
}

export function ReportDesignerPage() {
  const { key = '' } = useParams();
  const location = useLocation();
  const fresh = (location.state as { newReport?: { title: string; source: string } } | null)?.newReport;
  const { t, label } = useI18n();
  const [state, setState] = useState<DesignState | null>(null);
  const [base, setBase] = useState<Base | null>(null);
  const [savedText, setSavedText] = useState('');
  const [formList, setFormList] = useState<FormSummary[]>([]);
  const [source, setSource] = useState<FormDefinition | null>(null);
  const [related, setRelated] = useState<Record<string, FormDefinition>>({});
  const [error, setError] = useState<unknown>(null);
  const [asRole, setAsRole] = useState<string | undefined>();
  const [roles, setRoles] = useState<{ key: string; title: string }[]>([]);
  const [dragging, setDragging] = useState<FieldInfo | null>(null);

  const load = useCallback(async () => {
    setError(null);
    try {
      const [doc, list, defs] = await Promise.all([loadDoc<ReportDefinition>('report', key), formsAPI.list(), definitions.list()]);
      setFormList(list);
      setRoles(publishedRoles(defs));
      const body = doc?.body ?? (fresh ? newReport(key, fresh.title, fresh.source) : null);
      if (!body) throw new ApiError(404, 'not_found', t('reports.noSuchReport', { key }));
      const s = fromDefinition(body);
      setState(s);
      setSavedText(doc ? JSON.stringify(toDefinition(s)) : '');
      setBase(baseOf(doc));
    } catch (e) {
      setError(e);
    }
  }, [key, fresh, t]);
  useEffect(() => {
    void load();
  }, [load]);

  // the source form and the related forms the report reads or the analyst ticked
  const sourceKey = state?.def.source;
  useEffect(() => {
    if (!sourceKey) return;
    setSource(null);
    formsAPI.get(sourceKey).then((d) => setSource(d.definition), setError);
  }, [sourceKey]);
  const wanted = useMemo(() => (state ? relatedIn(state.def) : []), [state]);
  const [ticked, setTicked] = useState<string[]>([]);
  const relatedKeys = useMemo(() => [...new Set([...wanted, ...ticked])], [wanted, ticked]);
  useEffect(() => {
    if (!source) return;
    for (const rel of relationsOf(source)) {
      if (!relatedKeys.includes(rel.key) || related[rel.key]) continue;
      formsAPI.get(rel.target!).then((d) => setRelated((r) => ({ ...r, [rel.key]: d.definition })), setError);
    }
  }, [source, relatedKeys, related]);

  const fields = useMemo(
    () => (source ? fieldsOf(source, Object.fromEntries(Object.entries(related).filter(([k]) => relatedKeys.includes(k)))) : []),
    [source, related, relatedKeys],
  );
  const def = useMemo(() => (state ? toDefinition(state) : null), [state]);
  const life = useDraftLifecycle({ kind: 'report', docKey: key, body: def, base, setBase, savedText, setSavedText, reload: load });
  const preview = usePreview(def ?? newReport('x', 'x', ''), asRole);

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 4 } }));
  if (error) return <PageError error={error} onRetry={() => void load()} />;
  if (!state || !base || !def) return <PageLoading />;

  const setDef = (d: ReportDefinition) => setState({ ...state, def: d });
  const add = (zone: Zone, f: FieldInfo) => {
    if (zone === 'filters') setState({ ...state, filters: [...state.filters, filterRowFor(f)] });
    else setDef(dropField(state.def, zone, f));
  };
  const onDragStart = (e: DragStartEvent) => setDragging((e.active.data.current as { field: FieldInfo }).field);
  const onDragEnd = (e: DragEndEvent) => {
    setDragging(null);
    const zone = String(e.over?.id ?? '').replace(/^zone:/, '') as Zone;
    const f = (e.active.data.current as { field?: FieldInfo } | undefined)?.field;
    if (f && ['dimensions', 'measures', 'filters', 'drill'].includes(zone)) add(zone, f);
  };
  const onPart = (zone: Exclude<Zone, 'filters'>, k: string, patch: object | null) =>
    setDef(patch ? updatePart(state.def, zone, k, patch) : removePart(state.def, zone, k));


  const problems = preview.error instanceof ApiError ? preview.error : null;
  return (
    <div className="page report-designer">
      <div className="page-head">
        <Space align="center" wrap>
          <Link to="/studio/reports" aria-label={t('reports.back')}>
            <ArrowLeftOutlined />
          </Link>
          <Input
            value={def.title}
            aria-label={t('reports.reportTitle')}
            onChange={(e) => setDef({ ...state.def, title: e.target.value })}
            style={{ width: 280, fontWeight: 600 }}
            data-testid="report-title"
          />
          <code>{key}</code>
          {life.tags}
        </Space>
        <Space>
          {life.actions}
        </Space>
      </div>
      <DndContext sensors={sensors} onDragStart={onDragStart} onDragEnd={onDragEnd} onDragCancel={() => setDragging(null)}>
        <div className="report-board">
          <aside className="report-side">
            <label className="small muted">{t('reports.source')}</label>
            <Select
              value={def.source}
              style={{ width: '100%' }}
              aria-label={t('reports.source')}
              disabled={base.liveVersion > 0}
              onChange={(s) => setState(fromDefinition(withChart({ ...newReport(key, def.title, s) })))}
              options={formList.map((f) => ({ value: f.key, label: label(f.title) }))}
              data-testid="report-source"
            />
            {source ? (
              <FieldList source={source} related={relatedKeys} onRelated={setTicked} fields={fields} onAdd={add} />
            ) : (
              <LoadingOutlined />
            )}
          </aside>
          <div className="report-main">
            <ReportZones state={state} fields={fields} onChange={setState} onPart={onPart} onCount={() => setDef(addCount(state.def))} />
            <div className="report-preview" data-testid="report-preview">
              <div className="report-preview-head">
                <ChartSettings def={state.def} onChange={setDef} />
                <Space>
                  <span className="small muted">{t('reports.previewAs')}</span>
                  <Select
                    size="small"
                    allowClear
                    placeholder={t('reports.me')}
                    style={{ width: 160 }}
                    value={asRole}
                    onChange={setAsRole}
                    options={roles.map((r) => ({ value: r.key, label: label(r.title) }))}
                    aria-label={t('reports.previewAs')}
                  />
                  {preview.running && <LoadingOutlined />}
                </Space>
              </div>
              {problems && (
                <ErrorAlert error={problems} style={{ marginBottom: 12 }} />
              )}
              {preview.error !== null && !problems && <ErrorAlert error={preview.error} style={{ marginBottom: 12 }} />}
              {def.measures.length === 0 ? (
                <Empty status="info" title={t('reports.startHint')} />
              ) : preview.result ? (
                <>
                  <ReportChart result={preview.result} chart={def.chart} height={300} />
                  {def.chart?.type !== 'table' && def.chart?.type !== 'kpi' && (
                    <div className="report-preview-table">
                      <ResultTable result={preview.result} />
                    </div>
                  )}
                </>
              ) : null}
            </div>
          </div>
        </div>
        <DragOverlay dropAnimation={null}>{dragging && <div className="report-field drag-overlay">{label(dragging.label)}</div>}</DragOverlay>
      </DndContext>
      <Typography.Text type="secondary" className="small">
        {t('reports.designerFoot')}
      </Typography.Text>
      {life.dialogs}
    </div>
  );
}
