// The published versions of a report or dashboard; rolling back publishes an
// older one again.

import { App, Button, Drawer, Popconfirm, Table, Tag } from 'antd';
import { definitions } from '../api/definitions';
import type { DefinitionVersion, PublishResult } from '../api/types';
import { useI18n } from '../i18n';

interface Props {
  open: boolean;
  kind: 'report' | 'dashboard';
  docKey: string;
  versions: DefinitionVersion[];
  onClose(): void;
  onRolledBack(r: PublishResult): void;
}

export function VersionsDrawer({ open, kind, docKey, versions, onClose, onRolledBack }: Props) {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const live = versions[0]?.version ?? 0;
  const rollback = (version: number) =>
    definitions.rollback(kind, docKey, { version, base_version: live }).then(onRolledBack, (e: Error) => message.error(e.message));
  return (
    <Drawer open={open} onClose={onClose} title={t('history.title')} size="large">
      <Table<DefinitionVersion>
        rowKey="version"
        size="small"
        dataSource={versions}
        pagination={false}
        columns={[
          { title: t('history.version'), dataIndex: 'version', render: (v: number) => <Tag color={v === live ? 'green' : 'blue'}>v{v}</Tag> },
          { title: t('history.publishedAt'), dataIndex: 'published_at', render: (v: string) => fmt.dateTime(v) },
          { title: t('history.note'), dataIndex: 'note', render: (v: string) => v || <span className="muted">{t('history.noNote')}</span> },
          {
            key: 'actions',
            render: (_, v) =>
              v.version === live ? (
                <Tag color="green">{t('history.live')}</Tag>
              ) : (
                <Popconfirm title={t('history.rollbackConfirm', { n: v.version })} onConfirm={() => rollback(v.version)}>
                  <Button size="small">{t('history.rollback')}</Button>
                </Popconfirm>
              ),
          },
        ]}
      />
    </Drawer>
  );
}
