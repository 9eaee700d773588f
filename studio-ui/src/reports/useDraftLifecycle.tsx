// The lifecycle both designers share: save the draft with optimistic
// concurrency, publish (saving first), a conflict dialog when someone else
// got there first, and the version history with rollback.

import { useState, type ReactNode } from 'react';
import { App, Button, Tag } from 'antd';
import { CloudUploadOutlined, HistoryOutlined, SaveOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import { definitions, type DraftBase } from '../api/definitions';
import type { DefinitionVersion } from '../api/types';
import { ConflictModal, type Conflict } from '../designer/ConflictModal';
import { useI18n } from '../i18n';
import { useUnsavedGuard } from '../shell/useUnsavedGuard';
import { saveDoc } from './definitionDoc';
import { VersionsDrawer } from './VersionsDrawer';

/** What an edit is based on. */
export interface Base {
  liveVersion: number;
  draftBase: DraftBase;
  versions: DefinitionVersion[];
}

interface Options {
  kind: 'report' | 'dashboard';
  docKey: string;
  /** The definition as it stands. */
  body: object | null;
  base: Base | null;
  setBase(b: Base): void;
  /** The text last saved or loaded. */
  savedText: string;
  setSavedText(text: string): void;
  reload(): Promise<void>;
}

export function useDraftLifecycle({ kind, docKey, body, base, setBase, savedText, setSavedText, reload }: Options) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [busy, setBusy] = useState<'save' | 'publish' | null>(null);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const [history, setHistory] = useState(false);
  const text = body ? JSON.stringify(body) : '';
  const dirty = !!body && text !== savedText;
  useUnsavedGuard(dirty);

  const failed = (e: unknown, during: Conflict['during']) => {
    if (e instanceof ApiError && e.isConflict) setConflict({ error: e, during });
    else message.error(e instanceof Error ? e.message : String(e));
  };
  const save = async (force = false): Promise<boolean> => {
    if (!body || !base) return false;
    setBusy('save');
    try {
      const r = await saveDoc(body, force ? null : base.draftBase);
      setBase({ ...base, draftBase: { tag: r.tag } });
      setSavedText(text);
      if (r.valid) message.success(t('designer.saved'));
      else message.warning(t('designer.savedWithProblems', { n: r.problems }));
      return true;
    } catch (e) {
      failed(e, 'save');
      return false;
    } finally {
      setBusy(null);
    }
  };
  const publish = async (force = false) => {
    if (!base || (dirty && !(await save(force)))) return;
    setBusy('publish');
    try {
      const r = await definitions.publish(kind, docKey, force ? {} : { base_version: base.liveVersion });
      message.success(r.unchanged ? t('publish.unchanged', { n: r.version }) : t('reports.published', { n: r.version }));
      await reload();
    } catch (e) {
      failed(e, 'publish');
    } finally {
      setBusy(null);
    }
  };

  const tags: ReactNode = base && (
    <>
      {base.liveVersion ? <Tag color="blue">v{base.liveVersion}</Tag> : <Tag>{t('reports.notPublished')}</Tag>}
      {dirty && <Tag color="orange">{t('reports.unsaved')}</Tag>}
    </>
  );
  const actions: ReactNode = (
    <>
      <Button icon={<HistoryOutlined />} disabled={!base?.versions.length} onClick={() => setHistory(true)}>
        {t('history.title')}
      </Button>
      <Button icon={<SaveOutlined />} loading={busy === 'save'} disabled={!dirty} onClick={() => void save()} data-testid="save-draft">
        {t('designer.saveDraft')}
      </Button>
      <Button type="primary" icon={<CloudUploadOutlined />} loading={busy === 'publish'} onClick={() => void publish()} data-testid="publish">
        {t('reports.publish')}
      </Button>
    </>
  );
  const dialogs: ReactNode = (
    <>
      <ConflictModal
        conflict={conflict}
        onCancel={() => setConflict(null)}
        onReload={() => {
          setConflict(null);
          void reload();
        }}
        onOverwrite={() => {
          const during = conflict?.during;
          setConflict(null);
          if (during === 'publish') void publish(true);
          else void save(true);
        }}
      />
      <VersionsDrawer
        open={history}
        kind={kind}
        docKey={docKey}
        versions={base?.versions ?? []}
        onClose={() => setHistory(false)}
        onRolledBack={(r) => {
          setHistory(false);
          message.success(t('history.done', { n: r.version }));
          void reload();
        }}
      />
    </>
  );
  return { dirty, tags, actions, dialogs };
}
