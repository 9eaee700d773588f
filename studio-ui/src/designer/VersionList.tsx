import type { ReactNode } from 'react';
import { Button, List, Popconfirm, Space, Tag } from 'antd';
import { RollbackOutlined } from '@ant-design/icons';
import type { DefinitionVersion } from '../api/types';
import { useI18n } from '../i18n';

interface Props {
  versions: DefinitionVersion[];
  /** The version a rollback is running to. */
  busy: number | null;
  onRollback(v: number): void;
  /** What a rollback does to this kind of definition, said before it. */
  rollbackHint: string;
  /** Who published, by user id, when known. */
  names?: Record<number, string>;
  /** More buttons on a version (view…). */
  actions?(v: DefinitionVersion): ReactNode[];
}

/** Published versions, newest first: when, by whom and why; any but the
 * live one can be published again. */
export function VersionList({ versions, busy, onRollback, rollbackHint, names, actions }: Props) {
  const { t, fmt } = useI18n();
  const latest = versions[0]?.version;
  return (
    <List
      dataSource={versions}
      renderItem={(v) => (
        <List.Item
          data-testid={`version-${v.version}`}
          actions={[
            ...(actions?.(v) ?? []),
            v.version !== latest ? (
              <Popconfirm
                key="rollback"
                title={t('history.rollbackConfirm', { n: v.version })}
                description={rollbackHint}
                okText={t('history.rollback')}
                cancelText={t('common.cancel')}
                onConfirm={() => onRollback(v.version)}
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
                {names && <span className="muted">{v.published_by ? (names[v.published_by] ?? `#${v.published_by}`) : t('history.system')}</span>}
              </Space>
            }
            description={v.note || <span className="muted">{t('history.noNote')}</span>}
          />
        </List.Item>
      )}
    />
  );
}
