import { useEffect, useState } from 'react';
import { Alert, Button, Drawer, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import type { DefinitionVersion, PublishResult } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { VersionList } from '../designer/VersionList';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageLoading } from '../shell/PageState';
import { conditionChanges, diffFlows } from './diff';
import type { FlowDefinition } from './model';

const changeColor: Record<string, string> = { added: 'green', changed: 'blue', removed: 'red' };

interface PublishProps {
  open: boolean;
  def: FlowDefinition;
  live: FlowDefinition | null;
  baseVersion: number;
  problemCount: number;
  /** Saves the draft first when it has unsaved changes; false stops. */
  prepare(): Promise<boolean>;
  onClose(): void;
  onPublished(r: PublishResult): void;
  onConflict(e: ApiError): void;
}

/** What publishing changes, node by node, then the publish itself; a
 * publish made meanwhile by someone else is a conflict, never overwritten. */
export function FlowPublishDrawer({ open, def, live, baseVersion, problemCount, prepare, onClose, onPublished, onConflict }: PublishProps) {
  const { t, label } = useI18n();
  const [ready, setReady] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [note, setNote] = useState('');
  const [publishing, setPublishing] = useState(false);

  useEffect(() => {
    if (!open) return;
    setReady(false);
    setError(null);
    prepare().then(
      (ok) => (ok ? setReady(true) : onClose()),
      (e: unknown) => setError(e),
    );
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const publish = async () => {
    setPublishing(true);
    setError(null);
    try {
      const r = await definitions.publish('flow', def.key, { note: note.trim() || undefined, base_version: baseVersion });
      setNote('');
      onPublished(r);
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) onConflict(e);
      else setError(e);
    } finally {
      setPublishing(false);
    }
  };

  const diff = diffFlows(live, def);
  return (
    <Drawer open={open} onClose={onClose} title={t('flow.publishTitle')} size="large" destroyOnHidden data-testid="publish-drawer">
      {error ? <ErrorAlert error={error} style={{ marginBottom: 12 }} /> : null}
      {!ready && !error && <PageLoading />}
      {ready && (
        <>
          {problemCount > 0 && <Alert type="error" showIcon title={t('flow.publishHasProblems', { n: problemCount })} style={{ marginBottom: 12 }} />}
          <Typography.Title level={5}>{live ? t('flow.changesSince', { n: baseVersion }) : t('flow.firstVersion')}</Typography.Title>
          {diff.nodes.length === 0 && diff.flow.length === 0 ? (
            <Empty description={t('flow.noChanges')} />
          ) : (
            <List
              size="small"
              bordered
              dataSource={diff.nodes}
              header={diff.flow.length ? <span>{t('flow.flowSettingsChanged', { list: diff.flow.join(', ') })}</span> : undefined}
              renderItem={(c) => (
                <List.Item data-testid={`change-${c.id}`}>
                  <Space wrap>
                    <Tag color={changeColor[c.change]}>{t(`publish.change.${c.change}` as MessageKey)}</Tag>
                    <strong>{label(c.node.title) || c.id}</strong>
                    <code className="muted">{c.id}</code>
                    {c.settings.map((s) => (
                      <Tag key={s}>{s}</Tag>
                    ))}
                    {conditionChanges(c).map((w, i) => (
                      <span key={i} className="condition-change">
                        <code className="removed">{w.before || '∅'}</code> → <code className="added">{w.after || '∅'}</code>
                      </span>
                    ))}
                  </Space>
                </List.Item>
              )}
            />
          )}
          <Typography.Paragraph type="secondary" style={{ marginTop: 12 }}>
            {t('flow.publishPinned')}
          </Typography.Paragraph>
          <Input.TextArea placeholder={t('publish.notePlaceholder')} value={note} onChange={(e) => setNote(e.target.value)} maxLength={500} autoSize={{ minRows: 2 }} style={{ marginBottom: 12 }} />
          <Button type="primary" onClick={() => void publish()} loading={publishing} disabled={problemCount > 0} data-testid="publish-confirm">
            {t('flow.publishNow')}
          </Button>
        </>
      )}
    </Drawer>
  );
}

interface HistoryProps {
  open: boolean;
  flowKey: string;
  baseVersion: number;
  onClose(): void;
  onRolledBack(r: PublishResult): void;
  onConflict(e: ApiError): void;
}

/** Every published version of the flow; an older one can be published
 * again (a rollback is a new version). */
export function FlowHistoryDrawer({ open, flowKey, baseVersion, onClose, onRolledBack, onConflict }: HistoryProps) {
  const { t } = useI18n();
  const [versions, setVersions] = useState<DefinitionVersion[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    if (!open) return;
    setVersions(null);
    setError(null);
    definitions.versions('flow', flowKey).then(setVersions, setError);
  }, [open, flowKey]);

  const rollback = async (v: number) => {
    setBusy(v);
    setError(null);
    try {
      onRolledBack(await definitions.rollback('flow', flowKey, { version: v, base_version: baseVersion }));
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) onConflict(e);
      else setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} size="large" title={t('history.title')} destroyOnHidden>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 16 }} /> : null}
      {!versions && !error && <PageLoading />}
      {versions && <VersionList versions={versions} busy={busy} onRollback={(v) => void rollback(v)} rollbackHint={t('flow.rollbackHint')} />}
    </Drawer>
  );
}
