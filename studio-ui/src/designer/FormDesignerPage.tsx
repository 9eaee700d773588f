// The form designer: palette, canvas and properties, with the server
// checking the text as it changes, drafts saved with optimistic concurrency,
// a live preview, the diff before publishing, and the version history.

import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { Button, Result, Segmented, Tooltip, Typography } from 'antd';
import {
  ArrowLeftOutlined,
  CloudUploadOutlined,
  EditOutlined,
  EyeOutlined,
  FileAddOutlined,
  HistoryOutlined,
  LayoutOutlined,
  SaveOutlined,
} from '@ant-design/icons';
import { Link, useLocation, useNavigate, useParams } from 'react-router';
import { definitions } from '../api/definitions';
import { forms as formsAPI } from '../api/forms';
import type { FormSummary } from '../api/types';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { useUnsavedGuard } from '../shell/useUnsavedGuard';
import { Canvas, DesignerBoard, type DropTarget } from './Canvas';
import { DraftStatus } from './DraftStatus';
import { ConflictModal } from './ConflictModal';
import { canonical, findField, fromDefinition, reducer, ROOT, toDefinition, type Labels } from './designerState';
import { FieldProperties } from './FieldProperties';
import { formulaResultsFromSchema, typesFromSchema } from './fieldTypes';
import { FormSettings } from './FormSettings';
import { HistoryDrawer } from './HistoryDrawer';
import { LayoutEditor } from './LayoutEditor';
import { loadForm, type Loaded } from './loadForm';
import { Palette } from './Palette';
import { PreviewPane } from './PreviewPane';
import { placeProblems } from './problems';
import { PublishDrawer } from './PublishDrawer';
import { typeLabel } from './typeLabel';
import { useLiveValidation } from './useLiveValidation';
import { useDraftLifecycle } from './useDraftLifecycle';

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
  const navigate = useNavigate();
  const [state, dispatch] = useReducer(reducer, loaded, (l) => fromDefinition(l.body, l.live));
  const { def, paths } = useMemo(() => toDefinition(state), [state]);
  const text = useMemo(() => canonical(def), [def]);
  const [openedText] = useState(() => (loaded.source === 'new' ? '' : canonical(toDefinition(fromDefinition(loaded.body, null)).def)));
  const [mode, setMode] = useState<'design' | 'layout' | 'preview'>('design');
  // note: the form designer publishes what it has saved; an unchanged live
  // form counts as its own draft.
  const { savedText, baseVersion, saving, save, prepare, publishOpen, setPublishOpen, historyOpen, setHistoryOpen, conflict, setConflict, afterPublish, onConflict, overwrite, reloadAfterConflict } =
    useDraftLifecycle({
      kind: 'form',
      key: loaded.body.key,
      body: def,
      text,
      savedText: openedText,
      draftBase: loaded.draftBase,
      liveVersion: loaded.liveVersion,
      hasDraft: true,
      reload,
      words: { saved: 'designer.saved', savedWithProblems: 'designer.savedWithProblems', published: 'publish.done' },
    });
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


  const selected = findField(state, state.selected);
  const panel = useRef<HTMLElement>(null);
  // note: a newly selected field's properties start at the top.
  useEffect(() => {
    if (panel.current) panel.current.scrollTop = 0;
  }, [state.selected]);
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
        <DraftStatus baseVersion={baseVersion} draftDiffers={draftDiffers} dirty={dirty} check={check} />
        <div className="spacer" />
        <Segmented
          value={mode}
          onChange={(v) => setMode(v as 'design' | 'layout' | 'preview')}
          options={[
            { value: 'design', label: t('designer.design'), icon: <EditOutlined /> },
            { value: 'layout', label: t('designer.layout'), icon: <LayoutOutlined /> },
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
      ) : mode === 'layout' ? (
        <div className="designer-preview">
          <LayoutEditor state={state} dispatch={dispatch} />
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
        onReload={reloadAfterConflict}
      />
    </div>
  );
}
