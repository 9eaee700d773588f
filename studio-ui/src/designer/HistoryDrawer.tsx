import { useEffect, useState } from 'react';
import { App, Button, Drawer, Table, Typography } from 'antd';
import { EyeOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import type { DefinitionVersion, FormDefinition, PublishResult } from '../api/types';
import { people } from '../api/forms';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageLoading } from '../shell/PageState';
import { typeLabel } from './typeLabel';
import { VersionList } from './VersionList';

interface Props {
  open: boolean;
  formKey: string;
  baseVersion: number;
  onClose(): void;
  onRolledBack(r: PublishResult): void;
  onConflict(e: ApiError): void;
}

/** Every published version, who published it, when and why; any older one
 * can be published again (a rollback is a new version). */
export function HistoryDrawer({ open, formKey, baseVersion, onClose, onRolledBack, onConflict }: Props) {
  const { t, label } = useI18n();
  const { modal } = App.useApp();
  const [versions, setVersions] = useState<DefinitionVersion[] | null>(null);
  const [names, setNames] = useState<Record<number, string>>({});
  const [error, setError] = useState<unknown>(null);
  const [viewing, setViewing] = useState<{ v: number; def: FormDefinition } | null>(null);
  const [busy, setBusy] = useState<number | null>(null);

  useEffect(() => {
    if (!open) return;
    setVersions(null);
    setError(null);
    setViewing(null);
    definitions.versions('form', formKey).then(setVersions, setError);
    people
      .users('')
      .then((us) => setNames(Object.fromEntries(us.map((u) => [u.id, u.name || u.email]))))
      .catch(() => setNames({}));
  }, [open, formKey]);

  const view = async (v: number) => {
    try {
      setViewing({ v, def: (await definitions.version('form', formKey, v)).definition });
    } catch (e) {
      setError(e);
    }
  };

  const rollback = async (v: number, allowDestructive = false) => {
    setBusy(v);
    setError(null);
    try {
      onRolledBack(await definitions.rollback('form', formKey, { version: v, base_version: baseVersion, allow_destructive: allowDestructive || undefined }));
    } catch (e) {
      if (e instanceof ApiError && e.isConflict) onConflict(e);
      else if (e instanceof ApiError && e.status === 422 && !allowDestructive && e.details.some((d) => d.code === 'migration_destructive')) {
        modal.confirm({
          title: t('history.destructiveTitle'),
          content: (
            <ul className="error-details">
              {e.details.map((d, i) => (
                <li key={i}>{d.message}</li>
              ))}
            </ul>
          ),
          okText: t('history.rollbackAnyway'),
          okButtonProps: { danger: true },
          cancelText: t('common.cancel'),
          onOk: () => rollback(v, true),
        });
      } else setError(e);
    } finally {
      setBusy(null);
    }
  };

  return (
    <Drawer open={open} onClose={onClose} size="large" title={t('history.title')} destroyOnHidden>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 16 }} /> : null}
      {!versions && !error && <PageLoading />}
      {versions && (
        <VersionList
          versions={versions}
          busy={busy}
          onRollback={(v) => void rollback(v)}
          rollbackHint={t('history.rollbackHint')}
          names={names}
          actions={(v) => [
            <Button key="view" size="small" icon={<EyeOutlined />} onClick={() => view(v.version)}>
              {t('history.view')}
            </Button>,
          ]}
        />
      )}
      {viewing && (
        <div className="version-view">
          <Typography.Title level={5}>
            {t('history.fieldsOf', { n: viewing.v })} — {label(viewing.def.title)}
          </Typography.Title>
          <Table
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={viewing.def.fields}
            columns={[
              { title: t('prop.label'), render: (_, f) => label(f.label) },
              { title: t('prop.key'), dataIndex: 'key', render: (k: string) => <code>{k}</code> },
              { title: t('prop.type'), render: (_, f) => typeLabel(t, f.type) },
              { title: t('prop.required'), render: (_, f) => (f.required ? t('common.yes') : '') },
            ]}
          />
        </div>
      )}
    </Drawer>
  );
}
