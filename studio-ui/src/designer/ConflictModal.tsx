import { Button, Modal, Space, Typography } from 'antd';
import { WarningOutlined } from '@ant-design/icons';
import type { ApiError } from '../api/client';
import { useI18n } from '../i18n';

export interface Conflict {
  error: ApiError;
  /** What the analyst was doing when someone else got there first. */
  during: 'save' | 'publish';
}

interface Props {
  conflict: Conflict | null;
  onReload(): void;
  onOverwrite(): void;
  onCancel(): void;
  /** What was changed, when it is not a form ("Someone else changed this flow"). */
  title?: string;
}

/** Someone else saved or published this form meanwhile: say who and when
 * (the server's message), and let the analyst choose what happens. Nothing
 * is overwritten unless they say so. */
export function ConflictModal({ conflict, onReload, onOverwrite, onCancel, title }: Props) {
  const { t } = useI18n();
  return (
    <Modal
      open={conflict !== null}
      onCancel={onCancel}
      title={
        <Space>
          <WarningOutlined style={{ color: '#faad14' }} />
          {title ?? t('conflict.title')}
        </Space>
      }
      footer={
        <Space>
          <Button onClick={onCancel}>{t('conflict.keepEditing')}</Button>
          <Button danger onClick={onOverwrite}>
            {conflict?.during === 'publish' ? t('conflict.reviewAndPublish') : t('conflict.overwrite')}
          </Button>
          <Button type="primary" onClick={onReload}>
            {t('conflict.reload')}
          </Button>
        </Space>
      }
    >
      <Typography.Paragraph data-testid="conflict-message">{conflict?.error.message}</Typography.Paragraph>
      <Typography.Paragraph type="secondary">
        {conflict?.during === 'publish' ? t('conflict.explainPublish') : t('conflict.explainSave')}
      </Typography.Paragraph>
    </Modal>
  );
}
