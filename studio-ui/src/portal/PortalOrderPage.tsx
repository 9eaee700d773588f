// One order like a parcel: every stage with the day it was reached, the
// order's facts, and the documents to download.

import { useCallback, useEffect, useState } from 'react';
import { Button, Card, Descriptions, Empty, Grid, List, Steps, Typography } from 'antd';
import { ArrowLeftOutlined, DownloadOutlined, FileTextOutlined } from '@ant-design/icons';
import { Link, useParams } from 'react-router';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { portalApi, type PortalRecord } from './api';
import { currencyOf, FieldValue } from './FieldValue';
import { usePortal } from './PortalLayout';
import { local, stepStatuses } from './tracker';

export function PortalOrderPage() {
  const { form = '', id = '' } = useParams();
  const { t, lang, fmt, label } = useI18n();
  const home = usePortal();
  const screens = Grid.useBreakpoint();
  const [rec, setRec] = useState<PortalRecord | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    portalApi.record(form, id).then(setRec, setError);
  }, [form, id]);
  useEffect(load, [load]);
  const back = (
    <Link to="/portal">
      <ArrowLeftOutlined /> {t('portal.backToOrders')}
    </Link>
  );
  if (error) return <PageError error={error} onRetry={load} extra={back} />;
  if (!rec) return <PageLoading />;
  const statuses = stepStatuses(rec.stages, rec.current);
  const title = local(home.tracked.find((x) => x.form === rec.form)?.title, lang);
  return (
    <>
      <div style={{ paddingTop: 12 }}>{back}</div>
      <Card
        title={
          <Typography.Title level={4} style={{ margin: 0 }} data-testid="portal-order-title">
            {title} {rec.number}
          </Typography.Title>
        }
      >
        <Steps
          data-testid="portal-tracker"
          direction={screens.md ? 'horizontal' : 'vertical'}
          labelPlacement={screens.md ? 'vertical' : 'horizontal'}
          size="small"
          current={Math.max(rec.current, 0)}
          items={rec.stages.map((s, i) => ({
            title: local(s.title, lang),
            status: statuses[i],
            description: (
              <span className="portal-stage-date" data-testid={`stage-${s.key}`} data-reached={s.reached}>
                {s.reached ? (s.at ? fmt.date(s.at) : t('portal.done')) : t('portal.pending')}
              </span>
            ),
          }))}
        />
      </Card>
      {rec.fields.length > 0 && (
        <Card size="small" title={t('portal.details')}>
          <Descriptions column={screens.md ? 3 : 1} size="small">
            {rec.fields.map((f) => (
              <Descriptions.Item key={f.key} label={label(f.label)}>
                <FieldValue field={f} currency={currencyOf(rec.fields)} />
              </Descriptions.Item>
            ))}
          </Descriptions>
        </Card>
      )}
      <Card size="small" title={t('portal.documents')}>
        {rec.documents.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portal.noDocuments')} />
        ) : (
          <List
            dataSource={rec.documents}
            renderItem={(d) => (
              <List.Item>
                <div className="portal-doc" style={{ width: '100%' }}>
                  <span>
                    <FileTextOutlined /> <strong>{local(d.title, lang)}</strong> · {d.file.name}{' '}
                    <span className="muted">({fmt.number(Math.ceil(d.file.size / 1024))} KB)</span>
                  </span>
                  <Button
                    icon={<DownloadOutlined />}
                    href={portalApi.fileURL(d.file.id)}
                    download={d.file.name}
                    data-testid="portal-download"
                  >
                    {t('portal.download')}
                  </Button>
                </div>
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}
