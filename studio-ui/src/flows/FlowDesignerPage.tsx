// The flow designer: a palette of node kinds, the flow as a graph on a
// canvas, the selected node's settings, the server compiling the draft as it
// changes, drafts saved with optimistic concurrency, a dry run over a stored
// record drawn on the canvas, publish with the changes listed, and history.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Result, Tooltip, Typography } from 'antd';
import {
  ApartmentOutlined,
  ArrowLeftOutlined,
  CloudUploadOutlined,
  ExperimentOutlined,
  HistoryOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { DndContext, PointerSensor, useSensor, useSensors, type DragEndEvent } from '@dnd-kit/core';
import { ReactFlowProvider, useReactFlow } from '@xyflow/react';
import '@xyflow/react/dist/style.css';
import './flows.css';
import { Link, useNavigate, useParams } from 'react-router';
import { useI18n, type MessageKey } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { useUnsavedGuard } from '../shell/useUnsavedGuard';
import { DraftStatus } from '../designer/DraftStatus';
import { ConflictModal } from '../designer/ConflictModal';
import { useLiveValidation } from '../designer/useLiveValidation';
import { useDraftLifecycle } from '../designer/useDraftLifecycle';
import { flowAPI, type DryRun } from './api';
import { DryRunDrawer } from './DryRunDrawer';
import { FlowCanvas, type DrawnPath } from './FlowCanvas';
import { FlowSettings } from './FlowSettings';
import { FlowHistoryDrawer, FlowPublishDrawer } from './FlowVersionDrawers';
import { disconnect, edgesOf, removeNode, renameNode, updateNode } from './graph';
import { layout, nodeHeight, nodeWidth, type Point } from './layout';
import { loadFlow, loadFlowMeta, type FlowMeta, type LoadedFlow } from './loadFlow';
import { canonicalFlow, newNode, type FlowDefinition, type PaletteItem } from './model';
import { NodePalette } from './NodePalette';
import { NodeProperties } from './NodeProperties';
import { placeFlowProblems } from './problems';
import type { Names } from './summary';

export function FlowDesignerPage() {
  const { key = '' } = useParams();
  const { t } = useI18n();
  const [loaded, setLoaded] = useState<LoadedFlow | null | undefined>(undefined);
  const [meta, setMeta] = useState<FlowMeta | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    async (prefer: 'draft' | 'live' = 'draft') => {
      setError(null);
      try {
        const l = await loadFlow(key, prefer);
        setMeta(l ? await loadFlowMeta(l.body.form) : null);
        setLoaded(l);
        setGeneration((g) => g + 1);
      } catch (e) {
        setError(e);
      }
    },
    [key],
  );

  useEffect(() => {
    setLoaded(undefined);
    void load();
  }, [load]);

  if (error) return <PageError error={error} onRetry={() => void load()} />;
  if (loaded === undefined) return <PageLoading />;
  if (loaded === null || !meta) {
    return (
      <Result
        status="404"
        title={t('flow.notFound', { key })}
        extra={
          <Link to="/studio/flows">
            <Button type="primary">{t('flow.backToFlows')}</Button>
          </Link>
        }
      />
    );
  }
  return (
    <ReactFlowProvider key={generation}>
      <Designer loaded={loaded} meta={meta} reload={load} />
    </ReactFlowProvider>
  );
}

interface DesignerProps {
  loaded: LoadedFlow;
  meta: FlowMeta;
  reload(prefer?: 'draft' | 'live'): Promise<void>;
}

function Designer({ loaded, meta, reload }: DesignerProps) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const flow = useReactFlow();
  const [def, setDef] = useState<FlowDefinition>(loaded.body);
  const [positions, setPositions] = useState<Record<string, Point>>(() => layout(loaded.body));
  const [selected, setSelected] = useState<string | null>(null);
  const text = useMemo(() => canonicalFlow(def), [def]);
  const [dryOpen, setDryOpen] = useState(false);
  const [dryRun, setDryRun] = useState<DryRun | null>(null);
  // note: the server checks the text as it is saved, without empty settings.
  const sent = useMemo(() => JSON.parse(text) as FlowDefinition, [text]);
  const check = useLiveValidation(sent, text);
  const problems = useMemo(() => placeFlowProblems(check.problems, check.checked ?? sent), [check, sent]);
  const { savedText, dirty, baseVersion, saving, save, prepare, publishOpen, setPublishOpen, historyOpen, setHistoryOpen, conflict, setConflict, afterPublish, onConflict, overwrite, reloadAfterConflict } =
    useDraftLifecycle({
      kind: 'flow',
      key: loaded.body.key,
      body: sent,
      text,
      savedText: canonicalFlow(loaded.body),
      draftBase: loaded.draftBase,
      liveVersion: loaded.liveVersion,
      hasDraft: loaded.source === 'draft',
      reload,
      words: { saved: 'flow.saved', savedWithProblems: 'flow.savedWithProblems', published: 'flow.published' },
    });
  useUnsavedGuard(dirty);

  const change = useCallback((next: FlowDefinition) => {
    setDef(next);
    setDryRun(null);
  }, []);

  const names: Names = useMemo(
    () => ({ t, label, fields: meta.fields, roles: meta.roles, departments: meta.departments, triggers: def.triggers }),
    [t, label, meta, def.triggers],
  );

  const add = useCallback(
    (item: PaletteItem, at?: Point) => {
      const node = newNode(def, item, t(`flow.kind.${item}` as MessageKey));
      let where = at;
      if (!where) {
        const below = selected ? positions[selected] : undefined;
        const lowest = Object.values(positions).reduce((m, p) => Math.max(m, p.y), 0);
        where = below ? { x: below.x + nodeWidth + 40, y: below.y } : { x: 0, y: lowest + nodeHeight + 56 };
      }
      setPositions((p) => ({ ...p, [node.id]: where }));
      change({ ...def, nodes: [...def.nodes, node] });
      setSelected(node.id);
    },
    [def, selected, positions, t, change],
  );

  const sensors = useSensors(useSensor(PointerSensor, { activationConstraint: { distance: 5 } }));
  const onDragEnd = (e: DragEndEvent) => {
    const item = e.active.data.current?.item as PaletteItem | undefined;
    const start = e.activatorEvent as PointerEvent;
    if (!item || e.over?.id !== 'flow-canvas' || typeof start.clientX !== 'number') return;
    const p = flow.screenToFlowPosition({ x: start.clientX + e.delta.x, y: start.clientY + e.delta.y });
    add(item, { x: p.x - nodeWidth / 2, y: p.y - nodeHeight / 2 });
  };

  const remove = useCallback(
    (nodes: string[], edges: string[]) => {
      let next = def;
      for (const id of edges) next = disconnect(next, id);
      for (const id of nodes) if (next.nodes.find((n) => n.id === id)?.type !== 'start') next = removeNode(next, id);
      if (next !== def) change(next);
      if (selected && nodes.includes(selected)) setSelected(null);
    },
    [def, selected, change],
  );

  const runDry = async (record: number) => {
    // note: with no change and no draft, the run is of the live version.
    if (text !== savedText && !(await save())) throw new Error(t('flow.dryRunNotSaved'));
    const r = await flowAPI.dryRun(def.key, record);
    setDryRun(r);
    return r;
  };

  const path: DrawnPath | null = useMemo(() => {
    if (!dryRun) return null;
    const steps = new Map<string, number>();
    dryRun.steps.forEach((s, i) => {
      if (!steps.has(s.node)) steps.set(s.node, i);
    });
    const edges = new Set<string>();
    const all = edgesOf(def);
    for (const s of dryRun.steps) for (const n of s.next ?? []) for (const e of all) if (e.source === s.node && e.target === n) edges.add(e.id);
    return { steps, edges };
  }, [dryRun, def]);


  const node = def.nodes.find((n) => n.id === selected) ?? null;
  const problemTotal = check.problems.length;
  const draftDiffers = loaded.live ? canonicalFlow(loaded.live) !== text : true;

  return (
    <div className="designer flow-designer">
      <header className="designer-bar">
        <Tooltip title={t('flow.backToFlows')}>
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('flow.backToFlows')} onClick={() => navigate('/studio/flows')} />
        </Tooltip>
        <div className="designer-name">
          <Typography.Text strong ellipsis className="designer-title">
            {label(def.title) || def.key}
          </Typography.Text>
          <code className="muted">{def.key}</code>
        </div>
        <DraftStatus baseVersion={baseVersion} draftDiffers={draftDiffers} dirty={dirty} check={check} />
        <div className="spacer" />
        <Tooltip title={t('flow.autoLayoutHint')}>
          <Button icon={<ApartmentOutlined />} onClick={() => {
            setPositions(layout(def));
            requestAnimationFrame(() => void flow.fitView({ padding: 0.15, maxZoom: 1 }));
          }}>
            {t('flow.autoLayout')}
          </Button>
        </Tooltip>
        <Button icon={<ExperimentOutlined />} onClick={() => setDryOpen(true)} data-testid="open-dryrun">
          {t('flow.dryRun')}
        </Button>
        <Button icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)} disabled={!baseVersion}>
          {t('designer.history')}
        </Button>
        <Tooltip title="Ctrl+S">
          <Button icon={<SaveOutlined />} onClick={() => void save()} loading={saving} disabled={!dirty}>
            {t('designer.saveDraft')}
          </Button>
        </Tooltip>
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setPublishOpen(true)} data-testid="open-publish">
          {t('designer.publish')}
        </Button>
      </header>
      <DndContext sensors={sensors} onDragEnd={onDragEnd}>
        <div className="designer-body">
          <NodePalette onAdd={(item) => add(item)} />
          <FlowCanvas
            def={def}
            positions={positions}
            setPositions={setPositions}
            selected={selected}
            onSelect={setSelected}
            onChange={change}
            onDelete={remove}
            problems={problems}
            path={path}
            names={names}
          />
          <aside className="properties-panel" aria-label={t('designer.properties')}>
            {node ? (
              <NodeProperties
                key={node.id}
                def={def}
                node={node}
                meta={meta}
                problems={problems.nodes[node.id] ?? []}
                onChange={(fn) => change(updateNode(def, node.id, fn))}
                onRename={(to) => {
                  if (!to || to === node.id) return;
                  const next = renameNode(def, node.id, to);
                  if (next === def) {
                    message.error(t('flow.idTaken', { id: to }));
                    return;
                  }
                  setPositions((p) => ({ ...p, [to]: p[node.id] }));
                  change(next);
                  setSelected(to);
                }}
                onRemove={() => remove([node.id], [])}
              />
            ) : (
              <FlowSettings def={def} meta={meta} problems={problems.flow} onChange={(fn) => change(fn(def))} />
            )}
          </aside>
        </div>
      </DndContext>
      <DryRunDrawer open={dryOpen} form={def.form} fields={meta.fields} onClose={() => setDryOpen(false)} run={runDry} result={dryRun} />
      <FlowPublishDrawer
        open={publishOpen}
        def={def}
        live={loaded.live}
        baseVersion={baseVersion}
        problemCount={problemTotal}
        prepare={prepare}
        onClose={() => setPublishOpen(false)}
        onPublished={(r) => afterPublish(r, 'published')}
        onConflict={onConflict}
      />
      <FlowHistoryDrawer
        open={historyOpen}
        flowKey={def.key}
        baseVersion={baseVersion}
        onClose={() => setHistoryOpen(false)}
        onRolledBack={(r) => afterPublish(r, 'rolledBack')}
        onConflict={onConflict}
      />
      <ConflictModal
        conflict={conflict}
        title={t('flow.conflictTitle')}
        onCancel={() => setConflict(null)}
        onOverwrite={() => void overwrite()}
        onReload={reloadAfterConflict}
      />
    </div>
  );
}
