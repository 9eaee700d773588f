// A new record through the generated form: the same renderer as the
// designer's preview, against the published form and its record schema.
// (The workspace of end users will build its record pages on it.)

import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Result, Space, Typography } from 'antd';
import { ArrowLeftOutlined, EditOutlined, PlusOutlined, SendOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError } from '../api/client';
import { forms } from '../api/forms';
import type { FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { splitDetails } from '../shell/errors';
import { PageError, PageLoading } from '../shell/PageState';
import { formatValue } from '../renderer/FieldControl';
import { RecordForm } from '../renderer/RecordForm';
import { useRecordForm } from '../renderer/useRecordForm';

export function NewRecordPage() {
  const { key = '' } = useParams();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [round, setRound] = useState(0);
  const load = useCallback(() => {
    setError(null);
    forms.get(key).then(setDetail, setError);
  }, [key]);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!detail) return <PageLoading />;
  return <NewRecord key={round} detail={detail} again={() => setRound((r) => r + 1)} />;
}

function NewRecord({ detail, again }: { detail: FormDetail; again(): void }) {
  const { t, label, fmt } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const form = useRecordForm(detail.definition, detail.record_schema, user ?? undefined);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [rest, setRest] = useState<ApiError['details']>([]);
  const [created, setCreated] = useState<RecordValue | null>(null);

  const submit = async () => {
    setShowAll(true);
    if (Object.keys(form.errors).length > 0) {
      message.error(t('record.fixFirst', { n: Object.keys(form.errors).length }));
      requestAnimationFrame(() => document.querySelector('.ant-form-item-has-error')?.scrollIntoView({ block: 'center' }));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      setCreated(await forms.create(detail.key, form.payload()));
      message.success(t('record.created'));
    } catch (e) {
      setFailure(e);
      if (e instanceof ApiError) {
        const keys = form.fields.map((f) => f.def.key);
        const split = splitDetails(e.details, (p) => keys.some((k) => p === `/${k}` || p.startsWith(`/${k}/`)));
        setServerErrors(split.onFields);
        setRest(split.rest);
      }
    } finally {
      setBusy(false);
    }
  };

  if (created) {
    return (
      <div className="page narrow">
        <Result
          status="success"
          title={t('record.createdTitle', { form: label(detail.title), id: String(created.id) })}
          extra={
            <Space>
              <Button type="primary" icon={<PlusOutlined />} onClick={again}>
                {t('record.another')}
              </Button>
              <Button icon={<EditOutlined />} onClick={() => navigate(`/studio/forms/${detail.key}/design`)}>
                {t('record.backToDesigner')}
              </Button>
            </Space>
          }
        />
        <Card title={t('record.stored')} data-testid="created-record">
          <Descriptions column={2} size="small" bordered>
            {detail.definition.fields
              .filter((f) => f.type !== 'sub_table' && created[f.key] !== undefined)
              .map((f) => (
                <Descriptions.Item key={f.key} label={label(f.label)}>
                  <span data-testid={`stored-${f.key}`}>{formatValue(f, created[f.key], { t, fmt, label }) || '—'}</span>
                </Descriptions.Item>
              ))}
            {detail.definition.fields
              .filter((f) => f.type === 'sub_table')
              .map((f) => (
                <Descriptions.Item key={f.key} label={label(f.label)} span={2}>
                  {t('record.rows', { n: ((created[f.key] as unknown[]) ?? []).length })}
                </Descriptions.Item>
              ))}
          </Descriptions>
        </Card>
      </div>
    );
  }

  return (
    <div className="page narrow">
      <div className="page-head">
        <div>
          <Link to="/studio/forms" className="muted">
            <ArrowLeftOutlined /> {t('designer.backToForms')}
          </Link>
          <Typography.Title level={3} style={{ margin: '4px 0 0' }}>
            {t('record.newTitle', { form: label(detail.title) })}
          </Typography.Title>
          {detail.definition.description && <Typography.Text type="secondary">{detail.definition.description}</Typography.Text>}
        </div>
      </div>
      <Card>
        {failure ? <ErrorAlert error={failure} details={rest} style={{ marginBottom: 16 }} /> : null}
        <RecordForm form={form} serverErrors={serverErrors} showAllErrors={showAll} formKey={detail.key} disabled={busy} />
        <Space>
          <Button type="primary" icon={<SendOutlined />} onClick={submit} loading={busy} data-testid="submit-record">
            {t('record.submit')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Space>
      </Card>
    </div>
  );
}
