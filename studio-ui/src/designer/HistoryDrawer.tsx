import { useEffect, useState } from 'react';
import { App, Button, Drawer, List, Popconfirm, Space, Table, Tag, Typography } from 'antd';
import { EyeOutlined, RollbackOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import { definitions } from '../api/definitions';
import type { DefinitionVersion, FormDefinition, PublishResult } from '../api/types';
import { people } from '../api/forms';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageLoading } from '../shell/PageState';
import { typeLabel } from './typeLabel';

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
  const { t, fmt, label } = useI18n();
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

  const latest = versions?.[0]?.version;
  return (
    <Drawer open={open} onClose={onClose} size="large" title={t('history.title')} destroyOnHidden>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 16 }} /> : null}
      {!versions && !error && <PageLoading />}
      {versions && (
        <List
          dataSource={versions}
          renderItem={(v) => (
            <List.Item
              data-testid={`version-${v.version}`}
              actions={[
                <Button key="view" size="small" icon={<EyeOutlined />} onClick={() => view(v.version)}>
                  {t('history.view')}
                </Button>,
                v.version !== latest ? (
                  <Popconfirm
                    key="rollback"
                    title={t('history.rollbackConfirm', { n: v.version })}
                    description={t('history.rollbackHint')}
                    okText={t('history.rollback')}
                    cancelText={t('common.cancel')}
                    onConfirm={() => rollback(v.version)}
                  >
                    <Button size="small" icon={<RollbackOutlined />} loading={busy === v.version}>
                      {t('history.rollback')}
                    </Button>
                  </Popconfirm>
                ) : (
                  <Tag key="live" color="green">
                    {t('history.live')}
                  </Tag>
                ),
              ]}
            >
              <List.Item.Meta
                title={
                  <Space>
                    <Tag color="blue">v{v.version}</Tag>
                    <span>{fmt.dateTime(v.published_at)}</span>
                    <span className="muted">{v.published_by ? (names[v.published_by] ?? `#${v.published_by}`) : t('history.system')}</span>
                  </Space>
                }
                description={v.note || <span className="muted">{t('history.noNote')}</span>}
              />
            </List.Item>
          )}
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
