// A record through the generated form, as the user may fill it: the
// definition and schema the server narrowed to their permissions, checks
// as they type, the server's problems back on their fields. A new record
// keeps a draft in the browser and can go straight into the form's flow;
// a stored one (/:id/edit) opens with its values, saves only what changed
// on the row version it was read at, and says so when someone else saved
// first.

import { useCallback, useEffect, useMemo, useRef, useState, type ReactNode } from 'react';
import { App, Button, Card, Space, Typography } from 'antd';
import { ArrowLeftOutlined, ReloadOutlined, SaveOutlined, SendOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { ApiError, type ErrorDetail } from '../api/client';
import { forms } from '../api/forms';
import type { FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { RecordForm } from '../renderer/RecordForm';
import { changedPayload, editValues } from '../renderer/recordEdit';
import { fieldProblems } from '../renderer/serverErrors';
import { useRecordForm, type RecordFormState } from '../renderer/useRecordForm';
import { ws } from './api';
import { drafts } from './drafts';

export function RecordEditPage() {
  const { form = '', id } = useParams();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [rec, setRec] = useState<RecordValue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const load = useCallback(() => {
    setError(null);
    setRec(null);
    Promise.all([forms.get(form), id ? forms.record(form, Number(id)) : Promise.resolve(null)]).then(([d, r]) => {
      setDetail(d);
      setRec(r);
    }, setError);
  }, [form, id]);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  if (!detail || (id && !rec)) return <PageLoading />;
  if (rec) return <EditRecord key={`${detail.key}/${String(rec.id)}/${String(rec.row_version)}`} detail={detail} stored={rec} reload={load} />;
  return <NewRecord key={detail.key} detail={detail} />;
}

/** The page around either form: the way back, the title, the card. */
function Frame({ detail, title, children }: { detail: FormDetail; title: string; children: ReactNode }) {
  const { label } = useI18n();
  return (
    <div className="page narrow">
      <div className="page-head">
        <div>
          <Link to={`/app/forms/${detail.key}`} className="muted">
            <ArrowLeftOutlined /> {label(detail.title)}
          </Link>
          <Typography.Title level={3} style={{ margin: '4px 0 0' }} data-testid="edit-title">
            {title}
          </Typography.Title>
          {detail.definition.description && <Typography.Text type="secondary">{label(detail.definition.description)}</Typography.Text>}
        </div>
      </div>
      <Card>{children}</Card>
    </div>
  );
}

/** What a save's failure leaves: the error, and its problems split between
 * the fields they name and the rest. */
function useFailure(form: RecordFormState) {
  const [failure, setFailure] = useState<unknown>(null);
  const [serverErrors, setServerErrors] = useState<Record<string, string>>({});
  const [rest, setRest] = useState<ErrorDetail[]>([]);
  const fail = (e: unknown) => {
    setFailure(e);
    const split = fieldProblems(form.fields, e);
    setServerErrors(split.onFields);
    setRest(split.rest);
    // note: the save button is at the bottom of a long form; show where the problem is.
    requestAnimationFrame(() =>
      document.querySelector(Object.keys(split.onFields).length ? '.ant-form-item-has-error' : '.page [role="alert"]')?.scrollIntoView({ block: 'center' }),
    );
  };
  return { failure, serverErrors, rest, fail, clear: () => setFailure(null) };
}

/** Whether the form may be sent; otherwise says why and shows where. */
function useReady(form: RecordFormState, setShowAll: (v: boolean) => void) {
  const { t } = useI18n();
  const { message } = App.useApp();
  return () => {
    setShowAll(true);
    const n = Object.keys(form.errors).length;
    if (n === 0) return true;
    message.error(t('record.fixFirst', { n }));
    requestAnimationFrame(() => document.querySelector('.ant-form-item-has-error')?.scrollIntoView({ block: 'center' }));
    return false;
  };
}

function EditRecord({ detail, stored, reload }: { detail: FormDetail; stored: RecordValue; reload(): void }) {
  const { t, label } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const start = useMemo(() => editValues(detail.definition.fields, stored), [detail, stored]);
  const form = useRecordForm(detail.definition, detail.record_schema, user ?? undefined, start);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const { failure, serverErrors, rest, fail, clear } = useFailure(form);
  const ready = useReady(form, setShowAll);
  const id = Number(stored.id);
  const back = `/app/forms/${detail.key}/${id}`;
  const titleField = detail.definition.fields.find((f) => f.type === 'auto_number' || f.type === 'text');
  const name = titleField && stored[titleField.key] ? String(stored[titleField.key]) : `#${id}`;

  const save = async () => {
    if (!ready()) return;
    const changes = changedPayload(form.fields, form.values, stored, form.shown);
    if (Object.keys(changes).length === 0) {
      message.info(t('ws.noChanges'));
      navigate(back);
      return;
    }
    setBusy(true);
    clear();
    try {
      await forms.update(detail.key, id, changes, Number(stored.row_version));
      message.success(t('ws.saved'));
      navigate(back, { replace: true });
    } catch (e) {
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  const conflict = failure instanceof ApiError && failure.isConflict;
  return (
    <Frame detail={detail} title={t('ws.editTitle', { form: label(detail.title), name })}>
      {failure ? (
        <ErrorAlert
          error={failure}
          details={rest}
          style={{ marginBottom: 16 }}
          action={
            conflict ? (
              <Button size="small" icon={<ReloadOutlined />} onClick={reload} data-testid="reload-record">
                {t('ws.reloadRecord')}
              </Button>
            ) : undefined
          }
        />
      ) : null}
      {conflict && <Typography.Paragraph type="secondary">{t('ws.conflictHint')}</Typography.Paragraph>}
      <RecordForm form={form} serverErrors={serverErrors} showAllErrors={showAll} formKey={detail.key} disabled={busy} />
      <Space wrap>
        <Button type="primary" icon={<SaveOutlined />} onClick={save} loading={busy} data-testid="save-record">
          {t('ws.save')}
        </Button>
        <Button onClick={() => navigate(back)}>{t('common.cancel')}</Button>
      </Space>
    </Frame>
  );
}

function NewRecord({ detail }: { detail: FormDetail }) {
  const { t, label } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const form = useRecordForm(detail.definition, detail.record_schema, user ?? undefined);
  const [showAll, setShowAll] = useState(false);
  const [busy, setBusy] = useState(false);
  const { failure, serverErrors, rest, fail, clear } = useFailure(form);
  const ready = useReady(form, setShowAll);
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
    if (!ready()) return;
    setBusy(true);
    clear();
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
      fail(e);
    } finally {
      setBusy(false);
    }
  };

  return (
    <Frame detail={detail} title={t('record.newTitle', { form: label(detail.title) })}>
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
    </Frame>
  );
}
