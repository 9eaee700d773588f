// The form designer: palette, canvas and properties, with the server
// checking the text as it changes, drafts saved with optimistic concurrency,
// a live preview, the diff before publishing, and the version history.

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { App, Button, Result, Segmented, Space, Tag, Tooltip, Typography } from 'antd';
import {
  ArrowLeftOutlined,
  CheckCircleOutlined,
  CloudUploadOutlined,
  EditOutlined,
  EyeOutlined,
  FileAddOutlined,
  HistoryOutlined,
  LoadingOutlined,
  SaveOutlined,
  WarningOutlined,
} from '@ant-design/icons';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { definitions, type DraftBase } from '../api/definitions';
import { forms as formsAPI } from '../api/forms';
import type { FormSummary, PublishResult } from '../api/types';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { useUnsavedGuard } from '../shell/useUnsavedGuard';
import { Canvas, DesignerBoard, type DropTarget } from './Canvas';
import { ConflictModal, type Conflict } from './ConflictModal';
import { canonical, findField, fromDefinition, reducer, ROOT, toDefinition, type Labels } from './designerState';
import { FieldProperties } from './FieldProperties';
import { formulaResultsFromSchema, typesFromSchema } from './fieldTypes';
import { FormSettings } from './FormSettings';
import { HistoryDrawer } from './HistoryDrawer';
import { loadForm, type Loaded } from './loadForm';
import { Palette } from './Palette';
import { PreviewPane } from './PreviewPane';
import { placeProblems } from './problems';
import { PublishDrawer } from './PublishDrawer';
import { typeLabel } from './typeLabel';
import { useLiveValidation } from './useLiveValidation';

interface Meta {
  types: string[];
  formulaResults: string[];
  forms: FormSummary[];
}

async function loadMeta(): Promise<Meta> {
  const [schema, forms] = await Promise.all([definitions.schema('form'), formsAPI.list()]);
  return { types: typesFromSchema(schema), formulaResults: formulaResultsFromSchema(schema), forms };
}

export function FormDesignerPage() {
  const { key = '' } = useParams();
  const { t } = useI18n();
  const location = useLocation();
  const fresh = (location.state as { newForm?: { title: string } } | null)?.newForm;
  const [loaded, setLoaded] = useState<Loaded | null | undefined>(undefined);
  const [meta, setMeta] = useState<Meta | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [generation, setGeneration] = useState(0);

  const load = useCallback(
    async (prefer: 'draft' | 'live' = 'draft') => {
      setError(null);
      try {
        const [l, m] = await Promise.all([loadForm(key, fresh, prefer), loadMeta()]);
        setMeta(m);
        setLoaded(l);
        setGeneration((g) => g + 1);
      } catch (e) {
        setError(e);
      }
    },
    [key, fresh],
  );

  useEffect(() => {
    setLoaded(undefined);
    void load();
  }, [load]);

  if (error) return <PageError error={error} onRetry={() => void load()} />;
  if (loaded === undefined || !meta) return <PageLoading />;
  if (loaded === null) {
    return (
      <Result
        status="404"
        title={t('designer.notFound', { key })}
        extra={
          <Link to="/studio/forms">
            <Button type="primary">{t('designer.backToForms')}</Button>
          </Link>
        }
      />
    );
  }
  return <Designer key={generation} loaded={loaded} meta={meta} reload={load} />;
}

interface DesignerProps {
  loaded: Loaded;
  meta: Meta;
  reload(prefer?: 'draft' | 'live'): Promise<void>;
}

function Designer({ loaded, meta, reload }: DesignerProps) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const [state, dispatch] = useReducer(reducer, loaded, (l) => fromDefinition(l.body, l.live));
  const { def, paths } = useMemo(() => toDefinition(state), [state]);
  const text = useMemo(() => canonical(def), [def]);
  const [savedText, setSavedText] = useState(() => (loaded.source === 'new' ? '' : canonical(toDefinition(fromDefinition(loaded.body, null)).def)));
  const [draftBase, setDraftBase] = useState<DraftBase>(loaded.draftBase);
  const [baseVersion, setBaseVersion] = useState(loaded.liveVersion);
  const [saving, setSaving] = useState(false);
  const [mode, setMode] = useState<'design' | 'preview'>('design');
  const [publishOpen, setPublishOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const check = useLiveValidation(def, text);
  const placed = useMemo(() => placeProblems(check.problems, paths, state.key), [check.problems, paths, state.key]);
  const dirty = text !== savedText && state.fields.length + state.rules.length > 0;
  useUnsavedGuard(dirty);

  const labels: Labels = useMemo(
    () => ({
      newField: (type: string) => t('designer.newFieldLabel', { type: typeLabel(t, type) }),
      option: (n: number) => t('designer.optionN', { n }),
      column: t('designer.firstColumn'),
    }),
    [t],
  );
  const targets = meta.forms.filter((f) => f.key !== state.key);
  const add = useCallback(
    (type: string, at: DropTarget) =>
      dispatch({ type: 'add', fieldType: type, container: at.container, index: at.index, labels, target: targets[0]?.key }),
    [labels, targets],
  );

  const save = useCallback(
    async (force = false): Promise<boolean> => {
      setSaving(true);
      try {
        const { saved, tag } = await definitions.save(def, force ? null : draftBase);
        setDraftBase({ tag });
        setSavedText(text);
        if (saved.valid) message.success(t('designer.saved'));
        else message.warning(t('designer.savedWithProblems', { n: saved.problems.length }));
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.isConflict) setConflict({ error: e, during: 'save' });
        else message.error(e instanceof Error ? e.message : String(e));
        return false;
      } finally {
        setSaving(false);
      }
    },
    [def, draftBase, text, message, t],
  );

  const prepare = useCallback(async () => (text === savedText ? true : save()), [text, savedText, save]);

  const afterPublish = (r: PublishResult, what: 'published' | 'rolledBack') => {
    setPublishOpen(false);
    setHistoryOpen(false);
    if (r.unchanged) message.info(t('publish.unchanged', { n: r.version }));
    else message.success(what === 'published' ? t('publish.done', { n: r.version }) : t('history.done', { n: r.version }));
    setSavedText(text);
    void reload(what === 'published' ? 'draft' : 'live');
  };

  const onConflict = (e: ApiError) => {
    setPublishOpen(false);
    setHistoryOpen(false);
    setConflict({ error: e, during: 'publish' });
  };

  const overwrite = async () => {
    const c = conflict;
    setConflict(null);
    if (c?.during === 'save') {
      await save(true);
      return;
    }
    // note: publishing over someone else's version is done knowingly: the
    // diff is shown again against what is live now.
    try {
      const vs = await definitions.versions('form', state.key);
      setBaseVersion(vs[0]?.version ?? 0);
      setPublishOpen(true);
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    }
  };

  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if ((e.ctrlKey || e.metaKey) && e.key.toLowerCase() === 's') {
        e.preventDefault();
        if (!saving) void save();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save, saving]);

  const selected = findField(state, state.selected);
  const panel = useRef<HTMLElement>(null);
  // note: a newly selected field's properties start at the top.
  useEffect(() => {
    if (panel.current) panel.current.scrollTop = 0;
  }, [state.selected]);
  const problemTotal = check.problems.length;
  const draftDiffers = loaded.live ? canonical(toDefinition(fromDefinition(loaded.live, null)).def) !== text : true;

  return (
    <div className="designer">
      <header className="designer-bar">
        <Tooltip title={t('designer.backToForms')}>
          <Button type="text" icon={<ArrowLeftOutlined />} aria-label={t('designer.backToForms')} onClick={() => navigate('/studio/forms')} />
        </Tooltip>
        <div className="designer-name">
          <Typography.Text strong ellipsis className="designer-title">
            {label(state.title) || t('designer.untitled')}
          </Typography.Text>
          <code className="muted">{state.key}</code>
        </div>
        <Space size={4} wrap className="designer-status">
          {baseVersion ? <Tag color="green">{t('designer.liveVersion', { n: baseVersion })}</Tag> : <Tag>{t('designer.notPublished')}</Tag>}
          {baseVersion > 0 && draftDiffers && <Tag color="gold">{t('designer.unpublishedChanges')}</Tag>}
          {dirty && (
            <Tag color="orange" data-testid="unsaved">
              {t('designer.unsaved')}
            </Tag>
          )}
          {check.checking ? (
            <Tag icon={<LoadingOutlined />}>{t('expr.checking')}</Tag>
          ) : check.error ? (
            <Tooltip title={check.error instanceof Error ? check.error.message : ''}>
              <Tag color="default" icon={<WarningOutlined />}>
                {t('designer.checkFailed')}
              </Tag>
            </Tooltip>
          ) : problemTotal ? (
            <Tag color="red" icon={<WarningOutlined />} data-testid="problem-count">
              {t('designer.problemsN', { n: problemTotal })}
            </Tag>
          ) : (
            <Tag color="green" icon={<CheckCircleOutlined />} data-testid="no-problems">
              {t('designer.noProblems')}
            </Tag>
          )}
        </Space>
        <div className="spacer" />
        <Segmented
          value={mode}
          onChange={(v) => setMode(v as 'design' | 'preview')}
          options={[
            { value: 'design', label: t('designer.design'), icon: <EditOutlined /> },
            { value: 'preview', label: t('designer.preview'), icon: <EyeOutlined /> },
          ]}
        />
        <Button icon={<HistoryOutlined />} onClick={() => setHistoryOpen(true)} disabled={!baseVersion}>
          {t('designer.history')}
        </Button>
        {baseVersion > 0 && (
          <Tooltip title={t('designer.newRecordHint')}>
            <Button icon={<FileAddOutlined />} onClick={() => navigate(`/studio/forms/${state.key}/records/new`)}>
              {t('designer.newRecord')}
            </Button>
          </Tooltip>
        )}
        <Tooltip title="Ctrl+S">
          <Button icon={<SaveOutlined />} onClick={() => void save()} loading={saving} disabled={!dirty && loaded.source !== 'new'}>
            {t('designer.saveDraft')}
          </Button>
        </Tooltip>
        <Button type="primary" icon={<CloudUploadOutlined />} onClick={() => setPublishOpen(true)} disabled={state.fields.length === 0}>
          {t('designer.publish')}
        </Button>
      </header>
      {mode === 'preview' ? (
        <div className="designer-preview">
          <PreviewPane def={def} schema={check.problems.length === 0 && !check.checking ? check.recordSchema : undefined} />
        </div>
      ) : (
        <DesignerBoard state={state} onAdd={add} onMove={(uid, toIndex) => dispatch({ type: 'move', uid, toIndex })}>
          <div className="designer-body">
            <Palette types={meta.types} onAdd={(type) => add(type, { container: ROOT, index: state.fields.length })} />
            <Canvas
              state={state}
              select={(uid) => dispatch({ type: 'select', uid })}
              remove={(uid) => dispatch({ type: 'remove', uid })}
              duplicate={(uid) => dispatch({ type: 'duplicate', uid })}
              problemCount={placed.count}
            />
            <aside ref={panel} className="properties-panel" aria-label={t('designer.properties')}>
              {selected ? (
                <FieldProperties
                  key={selected.field.uid}
                  state={state}
                  uid={selected.field.uid}
                  dispatch={dispatch}
                  problems={placed.fields[selected.field.uid] ?? {}}
                  forms={targets}
                  formulaResults={meta.formulaResults}
                  types={meta.types}
                  labels={labels}
                  publishedOptions={Object.fromEntries((loaded.live?.fields ?? []).map((f) => [f.key, (f.options ?? []).map((o) => o.value)]))}
                />
              ) : (
                <FormSettings state={state} dispatch={dispatch} formProblems={placed.form} ruleProblems={placed.rules} />
              )}
            </aside>
          </div>
        </DesignerBoard>
      )}
      <PublishDrawer
        open={publishOpen}
        formKey={state.key}
        baseVersion={baseVersion}
        prepare={prepare}
        onClose={() => setPublishOpen(false)}
        onPublished={(r) => afterPublish(r, 'published')}
        onConflict={onConflict}
      />
      <HistoryDrawer
        open={historyOpen}
        formKey={state.key}
        baseVersion={baseVersion}
        onClose={() => setHistoryOpen(false)}
        onRolledBack={(r) => afterPublish(r, 'rolledBack')}
        onConflict={onConflict}
      />
      <ConflictModal
        conflict={conflict}
        onCancel={() => setConflict(null)}
        onOverwrite={() => void overwrite()}
        onReload={() => {
          setConflict(null);
          setSavedText(text);
          void reload();
        }}
      />
    </div>
  );
}
