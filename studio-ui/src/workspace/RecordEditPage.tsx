// A new record through the generated form, as the user may fill it: the
// definition and schema the server narrowed to their permissions, checks
// as they type, the server's problems back on their fields, a draft kept
// in the browser, and "save and submit" into the form's flow.

import { useCallback, useEffect, useRef, useState } from 'react';
import { App, Button, Card, Space, Typography } from 'antd';
import { ArrowLeftOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import type { ErrorDetail } from '../api/client';
import { forms } from '../api/forms';
import type { FormDetail } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { RecordForm } from '../renderer/RecordForm';
import { fieldProblems } from '../renderer/serverErrors';
import { useRecordForm } from '../renderer/useRecordForm';
import { ws } from './api';
import { drafts } from './drafts';

export function RecordEditPage() {
  const { form = '' } = useParams();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    forms.get(form).then(setDetail, setError);
  }, [form]);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!detail) return <PageLoading />;
  return <NewRecord key={detail.key} detail={detail} />;
}

function NewRecord({ detail }: { detail: FormDetail }) {
  const { t, label } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const form = useRecordForm(detail.definition, detail.record_schema, user ?? undefined);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [rest, setRest] = useState<ErrorDetail[]>([]);
  const uid = user?.id ?? 0;

  // note: the draft is restored once, then follows every change.
  const restored = useRef(false);
  const [hadDraft, setHadDraft] = useState(false);
  useEffect(() => {
    if (restored.current) return;
    restored.current = true;
    const saved = drafts.load(uid, detail.key);
    if (!saved) return;
    const keys = new Set(form.fields.filter((f) => f.mode === 'edit').map((f) => f.def.key));
    for (const [k, v] of Object.entries(saved)) if (keys.has(k)) form.setValue(k, v);
    setHadDraft(true);
  }, [uid, detail.key, form]);
  useEffect(() => {
    if (!restored.current) return;
    const id = setTimeout(() => drafts.save(uid, detail.key, form.values), 400);
    return () => clearTimeout(id);
  }, [uid, detail.key, form.values]);

  const discard = () => {
    drafts.clear(uid, detail.key);
    form.reset();
    setHadDraft(false);
  };

  const save = async (submit: boolean) => {
    setShowAll(true);
    if (Object.keys(form.errors).length > 0) {
      message.error(t('record.fixFirst', { n: Object.keys(form.errors).length }));
      requestAnimationFrame(() => document.querySelector('.ant-form-item-has-error')?.scrollIntoView({ block: 'center' }));
      return;
    }
    setBusy(true);
    setFailure(null);
    try {
      const created = await forms.create(detail.key, form.payload());
      drafts.clear(uid, detail.key);
      const id = Number(created.id);
      if (submit) {
        try {
          await ws.submit(detail.key, id);
          message.success(t('ws.submitted'));
        } catch (e) {
          message.error(e instanceof Error ? e.message : String(e));
        }
      } else {
        message.success(t('record.created'));
      }
      navigate(`/app/forms/${detail.key}/${id}`, { replace: true });
    } catch (e) {
      setFailure(e);
      const split = fieldProblems(form.fields, e);
      setServerErrors(split.onFields);
      setRest(split.rest);
    } finally {
      setBusy(false);
    }
  };

  return (
    <div className="page narrow">
      <div className="page-head">
        <div>
          <Link to={`/app/forms/${detail.key}`} className="muted">
            <ArrowLeftOutlined /> {label(detail.title)}
          </Link>
          <Typography.Title level={3} style={{ margin: '4px 0 0' }}>
            {t('record.newTitle', { form: label(detail.title) })}
          </Typography.Title>
          {detail.definition.description && <Typography.Text type="secondary">{label(detail.definition.description)}</Typography.Text>}
        </div>
      </div>
      <Card>
        {hadDraft && (
          <div className="ws-draft muted" role="status">
            {t('ws.draftRestored')}{' '}
            <Button type="link" size="small" onClick={discard}>
              {t('ws.discardDraft')}
            </Button>
          </div>
        )}
        {failure ? <ErrorAlert error={failure} details={rest} style={{ marginBottom: 16 }} /> : null}
        <RecordForm form={form} serverErrors={serverErrors} showAllErrors={showAll} formKey={detail.key} disabled={busy} />
        <Space wrap>
          <Button type="primary" icon={<SendOutlined />} onClick={() => save(true)} loading={busy} data-testid="save-submit">
            {t('ws.saveSubmit')}
          </Button>
          <Button icon={<SaveOutlined />} onClick={() => save(false)} loading={busy} data-testid="save-record">
            {t('ws.save')}
          </Button>
          <Button onClick={() => navigate(-1)}>{t('common.cancel')}</Button>
        </Space>
      </Card>
    </div>
  );
}
