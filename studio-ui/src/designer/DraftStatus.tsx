import { Space, Tag, Tooltip } from 'antd';
import { CheckCircleOutlined, LoadingOutlined, WarningOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import type { LiveCheck } from './useLiveValidation';

interface Props {
  baseVersion: number;
  /** Whether the text differs from the live version. */
  draftDiffers: boolean;
  dirty: boolean;
  check: Pick<LiveCheck<unknown>, 'checking' | 'error' | 'problems'>;
}

/** Where a draft stands, in the designer's bar: live version, unpublished
 * and unsaved changes, and what the server's check says. */
export function DraftStatus({ baseVersion, draftDiffers, dirty, check }: Props) {
  const { t } = useI18n();
  const problemTotal = check.problems.length;
  return (
    <Space size={4} wrap className="designer-status">
      {baseVersion ? <Tag color="green">{t('designer.liveVersion', { n: baseVersion })}</Tag> : <Tag>{t('designer.notPublished')}</Tag>}
      {baseVersion > 0 && draftDiffers && <Tag color="gold">{t('designer.unpublishedChanges')}</Tag>}
      {dirty && (
        <Tag color="orange" data-testid="unsaved">
          {t('designer.unsaved')}
        </Tag>
      )}
      {check.checking ? (
        <Tag icon={<LoadingOutlined />}>{t('expr.checking')}</Tag>
      ) : check.error ? (
        <Tooltip title={check.error instanceof Error ? check.error.message : ''}>
          <Tag color="default" icon={<WarningOutlined />}>
            {t('designer.checkFailed')}
          </Tag>
        </Tooltip>
      ) : problemTotal ? (
        <Tag color="red" icon={<WarningOutlined />} data-testid="problem-count">
          {t('designer.problemsN', { n: problemTotal })}
        </Tag>
      ) : (
        <Tag color="green" icon={<CheckCircleOutlined />} data-testid="no-problems">
          {t('designer.noProblems')}
        </Tag>
      )}
    </Space>
  );
}
