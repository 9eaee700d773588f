// A definition's draft as the designers handle it: saved with optimistic
// concurrency, published or rolled back against the version it was based
// on, and the conflict when someone else got there first.

import { useCallback, useState } from 'react';
import { App } from 'antd';
import { ApiError } from '../api/client';
import { definitions, type DraftBase } from '../api/definitions';
import type { PublishResult } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import type { Conflict } from './ConflictModal';
import { useSaveShortcut } from './useSaveShortcut';

interface Options {
  kind: string;
  key: string;
  /** The definition as it is saved, and its canonical text. */
  body: { kind: string; key: string };
  text: string;
  /** The text last saved (or opened), the draft as read and the live version. */
  savedText: string;
  draftBase: DraftBase;
  liveVersion: number;
  /** Whether a draft is stored; publishing needs one. */
  hasDraft: boolean;
  reload(prefer?: 'draft' | 'live'): Promise<void>;
  words: { saved: MessageKey; savedWithProblems: MessageKey; published: MessageKey };
}

export function useDraftLifecycle(o: Options) {
  const { t } = useI18n();
  const { message } = App.useApp();
  const [savedText, setSavedText] = useState(o.savedText);
  const [draftBase, setDraftBase] = useState<DraftBase>(o.draftBase);
  const [baseVersion, setBaseVersion] = useState(o.liveVersion);
  const [hasDraft, setHasDraft] = useState(o.hasDraft);
  const [saving, setSaving] = useState(false);
  const [publishOpen, setPublishOpen] = useState(false);
  const [historyOpen, setHistoryOpen] = useState(false);
  const [conflict, setConflict] = useState<Conflict | null>(null);
  const { body, text, words, kind, key, reload } = o;

  const save = useCallback(
    async (force = false): Promise<boolean> => {
      setSaving(true);
      try {
        const { saved, tag } = await definitions.save(body, force ? null : draftBase);
        setDraftBase({ tag });
        setSavedText(text);
        setHasDraft(true);
        if (saved.valid) message.success(t(words.saved));
        else message.warning(t(words.savedWithProblems, { n: saved.problems.length }));
        return true;
      } catch (e) {
        if (e instanceof ApiError && e.isConflict) setConflict({ error: e, during: 'save' });
        else message.error(e instanceof Error ? e.message : String(e));
        return false;
      } finally {
        setSaving(false);
      }
    },
    [body, draftBase, text, message, t, words],
  );

  /** Saves what is on screen when it is not the stored draft; false stops. */
  const prepare = useCallback(async () => (text === savedText && hasDraft ? true : save()), [text, savedText, hasDraft, save]);

  const afterPublish = (r: PublishResult, what: 'published' | 'rolledBack') => {
    setPublishOpen(false);
    setHistoryOpen(false);
    if (r.unchanged) message.info(t('publish.unchanged', { n: r.version }));
    else message.success(what === 'published' ? t(words.published, { n: r.version }) : t('history.done', { n: r.version }));
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
    // changes are shown again against what is live now.
    try {
      const vs = await definitions.versions(kind, key);
      setBaseVersion(vs[0]?.version ?? 0);
      setPublishOpen(true);
    } catch (e) {
      message.error(e instanceof Error ? e.message : String(e));
    }
  };

  /** Reloads what someone else saved or published, dropping the edit. */
  const reloadAfterConflict = () => {
    setConflict(null);
    setSavedText(text);
    void reload();
  };

  useSaveShortcut(save, saving);

  return {
    savedText,
    dirty: text !== savedText,
    baseVersion,
    saving,
    save,
    prepare,
    publishOpen,
    setPublishOpen,
    historyOpen,
    setHistoryOpen,
    conflict,
    setConflict,
    afterPublish,
    onConflict,
    overwrite,
    reloadAfterConflict,
  };
}
