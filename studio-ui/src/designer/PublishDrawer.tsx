import { useEffect, useState } from 'react';
import { Alert, Button, Checkbox, Drawer, Empty, Input, List, Space, Tag, Typography } from 'antd';
import { ReloadOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import type { Diff, FieldDef, PublishResult } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageLoading } from '../shell/PageState';
import { typeLabel } from './typeLabel';

interface Props {
  open: boolean;
  formKey: string;
  /** The live version the edit is based on. */
  baseVersion: number;
  /** Saves the draft first when it has unsaved changes; false stops. */
  prepare(): Promise<boolean>;
  onClose(): void;
  onPublished(r: PublishResult): void;
  onConflict(e: ApiError): void;
}

const changeColor: Record<string, string> = { added: 'green', changed: 'blue', removed: 'red' };

/** The settings that differ between two versions of a field. */
export function changedSettings(before?: FieldDef, after?: FieldDef): string[] {
  if (!before || !after) return [];
  const keys = new Set([...Object.keys(before), ...Object.keys(after)]);
  return [...keys].filter((k) => JSON.stringify((before as unknown as Record<string, unknown>)[k]) !== JSON.stringify((after as unknown as Record<string, unknown>)[k])).sort();
}

/** What publishing the draft will do (fields added, changed, removed, the
 * migration steps and what they lose), then the publish itself. */
export function PublishDrawer({ open, formKey, baseVersion, prepare, onClose, onPublished, onConflict }: Props) {
  const { t, label } = useI18n();
  const [diff, setDiff] = useState<Diff | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [loading, setLoading] = useState(false);
  const [note, setNote] = useState('');
  const [allow, setAllow] = useState(false);
  const [publishing, setPublishing] = useState(false);

  const load = async () => {
    setLoading(true);
    setError(null);
    setDiff(null);
    setAllow(false);
    try {
      if (!(await prepare())) {
        onClose();
        return;
      }
      setDiff(await definitions.diff('form', formKey));
    } catch (e) {
      setError(e);
    } finally {
      setLoading(false);
    }
  };

  useEffect(() => {
    if (open) void load();
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open]);

  const publish = async () => {
    setPublishing(true);
    setError(null);
    try {
      const r = await definitions.publish('form', formKey, { note: note.trim() || undefined, allow_destructive: allow || undefined, base_version: baseVersion });
      setNote('');
      onPublished(r);
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) onConflict(e);
      else setError(e);
    } finally {
      setPublishing(false);
    }
  };

  const problems = diff?.problems ?? [];
  const destructive = diff?.destructive ?? false;
  const moved = diff && diff.from_version !== baseVersion;
  const nothing = diff && problems.length === 0 && diff.fields.length === 0 && diff.steps.length === 0;
  const lost = diff?.steps.reduce((n, s) => n + (s.loses ?? 0), 0) ?? 0;

  return (
    <Drawer
      open={open}
      onClose={onClose}
      size="large"
      title={t('publish.title')}
      destroyOnHidden
      footer={
        <Space style={{ float: 'right' }}>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button
            type="primary"
            onClick={publish}
            loading={publishing}
            disabled={!diff || problems.length > 0 || (destructive && !allow)}
            data-testid="confirm-publish"
          >
            {baseVersion ? t('publish.publishVersion', { n: (diff?.from_version ?? baseVersion) + 1 }) : t('publish.publishFirst')}
          </Button>
        </Space>
      }
    >
      {loading && <PageLoading tip={t('publish.comparing')} />}
      {error ? <ErrorAlert error={error} style={{ marginBottom: 16 }} /> : null}
      {diff && (
        <div className="publish-diff">
          {moved && (
            <Alert
              type="warning"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('publish.moved', { live: diff.from_version, base: baseVersion })}
              action={
                <Button size="small" icon={<ReloadOutlined />} onClick={load}>
                  {t('common.refresh')}
                </Button>
              }
            />
          )}
          {problems.length > 0 && (
            <Alert
              type="error"
              showIcon
              style={{ marginBottom: 16 }}
              title={t('publish.problems', { n: problems.length })}
              description={
                <ul className="error-details">
                  {problems.map((p, i) => (
                    <li key={i}>
                      <code>{p.path}</code> {p.message}
                    </li>
                  ))}
                </ul>
              }
            />
          )}
          {nothing && <Alert type="info" showIcon title={t('publish.nothing')} style={{ marginBottom: 16 }} />}
          <Typography.Title level={5}>{t('publish.fields')}</Typography.Title>
          {diff.fields.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('publish.noFieldChanges')} />
          ) : (
            <List
              size="small"
              bordered
              dataSource={diff.fields}
              renderItem={(c) => {
                const f = c.after ?? c.before;
                const settings = changedSettings(c.before, c.after);
                return (
                  <List.Item>
                    <Space wrap data-testid={`change-${c.key}`}>
                      <Tag color={changeColor[c.change]}>{t(`publish.change.${c.change}` as MessageKey)}</Tag>
                      <strong>{label(f?.label)}</strong>
                      <code>{c.key}</code>
                      <span className="muted">{f ? typeLabel(t, f.type) : ''}</span>
                      {settings.length > 0 && (
                        <span className="muted small">
                          {t('publish.settingsChanged')}: {settings.join(', ')}
                        </span>
                      )}
                    </Space>
                  </List.Item>
                );
              }}
            />
          )}
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('publish.migration')}
          </Typography.Title>
          {diff.steps.length === 0 ? (
            <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('publish.noSteps')} />
          ) : (
            <List
              size="small"
              bordered
              dataSource={diff.steps}
              renderItem={(s) => (
                <List.Item className={s.destructive ? 'step-destructive' : undefined}>
                  <Space wrap>
                    <Tag color={s.destructive ? 'red' : 'default'}>{s.op}</Tag>
                    <span>{s.detail}</span>
                    {s.destructive && <Tag color="red">{t('publish.loses', { n: s.loses ?? 0 })}</Tag>}
                  </Space>
                </List.Item>
              )}
            />
          )}
          {destructive && (
            <Alert
              type="error"
              style={{ marginTop: 16 }}
              title={t('publish.destructive', { n: lost })}
              description={
                <Checkbox checked={allow} onChange={(e) => setAllow(e.target.checked)}>
                  {t('publish.allowDestructive', { n: lost })}
                </Checkbox>
              }
            />
          )}
          <Typography.Title level={5} style={{ marginTop: 20 }}>
            {t('publish.note')}
          </Typography.Title>
          <Input.TextArea
            aria-label={t('publish.note')}
            value={note}
            onChange={(e) => setNote(e.target.value)}
            maxLength={500}
            showCount
            autoSize={{ minRows: 2, maxRows: 4 }}
            placeholder={t('publish.notePlaceholder')}
          />
        </div>
      )}
    </Drawer>
  );
}
