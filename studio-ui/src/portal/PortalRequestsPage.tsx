// Service requests: a generated form of the portal's service form (only the
// fields the customer fills) and the customer's requests with their status.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Empty, Form, List, Select, Tag, Typography } from 'antd';
import { PlusOutlined, SendOutlined } from '@ant-design/icons';
import { ApiError } from '../api/client';
import type { FormDefinition } from '../api/types';
import { useI18n } from '../i18n';
import { RecordForm } from '../renderer/RecordForm';
import { useRecordForm } from '../renderer/useRecordForm';
import { ErrorAlert } from '../shell/ErrorAlert';
import { splitDetails } from '../shell/errors';
import { PageError, PageLoading } from '../shell/PageState';
import { portalApi, type PortalRecord, type Ticket } from './api';
import { usePortal } from './PortalLayout';

const statusColour: Record<string, string> = {
  open: 'blue',
  in_progress: 'processing',
  waiting_customer: 'warning',
  resolved: 'success',
  closed: 'default',
};

export function PortalRequestsPage() {
  const { t, fmt, label } = useI18n();
  const home = usePortal();
  const [tickets, setTickets] = useState<Ticket[] | null>(null);
  const [orders, setOrders] = useState<PortalRecord[]>([]);
  const [error, setError] = useState<unknown>(null);
  const [writing, setWriting] = useState(false);
  const load = useCallback(() => {
    setError(null);
    Promise.all([portalApi.tickets(), portalApi.records()]).then(([ts, os]) => {
      setTickets(ts);
      setOrders(os);
    }, setError);
  }, []);
  useEffect(load, [load]);
  if (!home.service) return <Empty description={t('portal.noService')} />;
  if (error) return <PageError error={error} onRetry={load} />;
  if (!tickets) return <PageLoading />;
  return (
    <>
      <div className="portal-doc" style={{ paddingTop: 12 }}>
        <Typography.Title level={4} className="portal-section-title" style={{ margin: 0 }}>
          {t('portal.requests')}
        </Typography.Title>
        {!writing && (
          <Button type="primary" icon={<PlusOutlined />} onClick={() => setWriting(true)} data-testid="portal-new-request">
            {t('portal.newRequest')}
          </Button>
        )}
      </div>
      {writing && (
        <NewRequest
          definition={home.service.form}
          orderField={home.service.order_field}
          orders={orders}
          onDone={(created) => {
            setWriting(false);
            if (created) setTickets((ts) => [created, ...(ts ?? [])]);
          }}
        />
      )}
      <Card size="small">
        {tickets.length === 0 ? (
          <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('portal.noRequests')} />
        ) : (
          <List
            dataSource={tickets}
            renderItem={(x) => (
              <List.Item data-testid="portal-request">
                <List.Item.Meta
                  title={x.title}
                  description={t('portal.requestedOn', { date: fmt.dateTime(x.created_at) })}
                />
                <Tag color={statusColour[x.status_key] ?? 'default'} data-testid="portal-request-status">
                  {label(x.status)}
                </Tag>
              </List.Item>
            )}
          />
        )}
      </Card>
    </>
  );
}

function NewRequest({
  definition,
  orderField,
  orders,
  onDone,
}: {
  definition: FormDefinition;
  orderField?: string;
  orders: PortalRecord[];
  onDone(created: Ticket | null): void;
}) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  // note: the link to an order is picked from the customer's own orders
  // here; the renderer's relation search would ask the staff API.
  const orderDef = definition.fields.find((f) => f.key === orderField);
  const rest = useMemo(() => ({ ...definition, fields: definition.fields.filter((f) => f.key !== orderField) }), [definition, orderField]);
  const form = useRecordForm(rest, undefined);
  const [order, setOrder] = useState<number | undefined>(orders.length === 1 ? orders[0].id : undefined);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});

  const submit = async () => {
    setShowAll(true);
    if (Object.keys(form.errors).length > 0) return;
    setBusy(true);
    setFailure(null);
    try {
      const body = { ...form.payload(), ...(orderDef && order ? { [orderDef.key]: order } : {}) };
      const created = await portalApi.createTicket(body);
      message.success(t('portal.requestSent'));
      onDone(created);
    } catch (e) {
      setFailure(e);
      if (e instanceof ApiError) {
        const keys = rest.fields.map((f) => f.key);
        setServerErrors(splitDetails(e.details, (p) => keys.some((k) => p === `/${k}`)).onFields);
      }
    } finally {
      setBusy(false);
    }
  };

  return (
    <Card size="small" title={t('portal.newRequest')} data-testid="portal-request-form">
      {failure != null && <ErrorAlert error={failure} style={{ marginBottom: 12 }} />}
      {orderDef && (
        <Form layout="vertical" component="div">
          <Form.Item label={label(orderDef.label)} htmlFor="portal-order">
            <Select
              id="portal-order"
              allowClear
              value={order}
              onChange={setOrder}
              placeholder={t('portal.pickOrder')}
              options={orders.map((o) => ({ value: o.id, label: o.number }))}
            />
          </Form.Item>
        </Form>
      )}
      <RecordForm form={form} serverErrors={serverErrors} showAllErrors={showAll} />
      <div className="portal-doc">
        <Button onClick={() => onDone(null)}>{t('common.cancel')}</Button>
        <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={submit} data-testid="portal-request-submit">
          {t('portal.send')}
        </Button>
      </div>
    </Card>
  );
}
