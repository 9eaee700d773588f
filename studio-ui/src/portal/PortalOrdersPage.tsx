// The customer's orders, newest first: where each one stands, in one look.

import { useCallback, useEffect, useState } from 'react';
import { Card, Empty, Progress, Tag, Typography } from 'antd';
import { RightOutlined } from '@ant-design/icons';
import { Link } from 'react-router';
import { useI18n } from '../i18n';
import { PageError, PageLoading } from '../shell/PageState';
import { portalApi, type PortalRecord } from './api';
import { currencyOf, FieldValue } from './FieldValue';
import { usePortal } from './PortalLayout';
import { currentStage, local, progress } from './tracker';

export function PortalOrdersPage() {
  const { t, lang, fmt, label } = useI18n();
  const home = usePortal();
  const [recs, setRecs] = useState<PortalRecord[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    portalApi.records().then(setRecs, setError);
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!recs) return <PageLoading />;
  const title = (form: string) => local(home.tracked.find((x) => x.form === form)?.title, lang);
  return (
    <>
      <Typography.Title level={4} className="portal-section-title">
        {t('portal.hello', { name: home.customer.name })}
      </Typography.Title>
      {recs.length === 0 && <Empty description={t('portal.noOrders')} />}
      {recs.map((r) => {
        const cur = currentStage(r.stages, r.current);
        return (
          <Link key={`${r.form}/${r.id}`} to={`/portal/orders/${r.form}/${r.id}`} data-testid="portal-order">
            <Card
              hoverable
              size="small"
              className="portal-order-card"
              title={`${title(r.form)} ${r.number}`}
              extra={
                <span>
                  {cur && (
                    <Tag color="processing" data-testid="portal-order-stage">
                      {local(cur.title, lang)}
                    </Tag>
                  )}
                  <RightOutlined />
                </span>
              }
            >
              <Progress
                percent={progress(r.stages, r.current)}
                showInfo={false}
                size="small"
                strokeColor={home.branding.primary}
              />
              <div className="portal-order-meta">
                {cur?.at && <span>{t('portal.since', { date: fmt.date(cur.at) })}</span>}
                {r.fields.slice(0, 2).map((f) => (
                  <span key={f.key}>
                    {label(f.label)}: <FieldValue field={f} currency={currencyOf(r.fields)} />
                  </span>
                ))}
              </div>
            </Card>
          </Link>
        );
      })}
    </>
  );
}
