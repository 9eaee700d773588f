// One task: the record as the node lets the approver see it, the fields
// they may change, and approve / reject / return / transfer / delegate /
// add signer / comment, with the timeline below.

import { useCallback, useEffect, useMemo, useState } from 'react';
import { App, Button, Card, Descriptions, Input, Modal, Select, Space, Typography } from 'antd';
import { ArrowLeftOutlined, CheckOutlined, CloseOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { forms } from '../api/forms';
import type { FormDetail, RecordValue } from '../api/types';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { FieldControl } from '../renderer/FieldControl';
import { FieldValue } from './FieldValue';
import { ws, type Person, type TaskDetail } from './api';
import { InstanceTimeline } from './Timeline';
import { useWorkspace } from './WorkspaceContext';

type Other = 'return' | 'transfer' | 'delegate' | 'signers';

export function TaskPage() {
  const { task: raw = '' } = useParams();
  const id = Number(raw);
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const navigate = useNavigate();
  const { refreshCounts } = useWorkspace();
  const [d, setD] = useState<TaskDetail | null>(null);
  const [form, setForm] = useState<FormDetail | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [comment, setComment] = useState('');
  const [changes, setChanges] = useState<RecordValue>({});
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [other, setOther] = useState<Other | null>(null);

  const load = useCallback(() => {
    setError(null);
    ws.task(id).then(async (td) => {
      const [f, inst] = await Promise.all([forms.get(td.task.form), ws.instance(td.instance.id)]);
      setForm(f);
      setD({ ...td, instance: inst });
    }).catch(setError);
  }, [id]);
  useEffect(load, [load]);

  const fields = useMemo(() => (form && d ? form.definition.fields.filter((f) => d.visible.includes(f.key)) : []), [form, d]);

  const run = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setFailure(null);
    try {
      await fn();
      message.success(done);
      refreshCounts();
      navigate('/app/inbox');
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  if (error) return <PageError error={error} onRetry={load} />;
  if (!d || !form) return <PageLoading />;
  const pending = d.task.state === 'pending';
  const decide = (decision: 'approve' | 'reject') =>
    run(
      () => ws.decide(id, { decision, comment, version: d.task.version, changes: Object.keys(changes).length ? changes : undefined }),
      t(decision === 'approve' ? 'ws.approved' : 'ws.rejected'),
    );

  return (
    <div className="page narrow ws-task">
      <Link to="/app/inbox" className="muted">
        <ArrowLeftOutlined /> {t('ws.inbox')}
      </Link>
      <Typography.Title level={3} style={{ margin: '4px 0 12px' }} data-testid="task-title">
        {label(d.task.node_title) || d.task.node} · {label(form.title)} #{d.task.record_id}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered>
          {fields.filter((f) => f.type !== 'sub_table').map((f) => (
            <Descriptions.Item key={f.key} label={label(f.label)}>
              {pending && d.editable.includes(f.key) && f.type !== 'formula' ? (
                <FieldControl
                  id={`task-${f.key}`}
                  def={f}
                  value={f.key in changes ? changes[f.key] : d.record[f.key]}
                  onChange={(v) => setChanges({ ...changes, [f.key]: v })}
                  formKey={form.key}
                />
              ) : (
                <span data-testid={`task-${f.key}`}>
                  <FieldValue def={f} value={d.record[f.key]} />
                </span>
              )}
            </Descriptions.Item>
          ))}
        </Descriptions>
        <div style={{ marginTop: 8 }}>
          <Link to={`/app/forms/${form.key}/${d.task.record_id}`}>{t('ws.openRecord')}</Link>
        </div>
      </Card>
      {pending && (
        <Card size="small" style={{ marginBottom: 12 }}>
          {failure ? <ErrorAlert error={failure} style={{ marginBottom: 12 }} /> : null}
          <Input.TextArea
            aria-label={t('ws.comment')}
            placeholder={d.reject_comment_required ? t('ws.commentRejectRequired') : t('ws.comment')}
            value={comment}
            onChange={(e) => setComment(e.target.value)}
            autoSize={{ minRows: 2, maxRows: 6 }}
            style={{ marginBottom: 12 }}
          />
          <Space wrap>
            <Button type="primary" icon={<CheckOutlined />} loading={busy} onClick={() => decide('approve')} data-testid="approve">
              {t('ws.approve')}
            </Button>
            <Button danger icon={<CloseOutlined />} loading={busy} onClick={() => decide('reject')} data-testid="reject">
              {t('ws.reject')}
            </Button>
            <Button onClick={() => setOther('return')}>{t('ws.return')}</Button>
            <Button onClick={() => setOther('transfer')}>{t('ws.transfer')}</Button>
            <Button onClick={() => setOther('delegate')}>{t('ws.delegate')}</Button>
            <Button onClick={() => setOther('signers')}>{t('ws.addSigner')}</Button>
            <Button disabled={!comment.trim()} loading={busy} onClick={() => run(() => ws.act(id, 'comments', { comment }), t('ws.commented'))}>
              {t('ws.addComment')}
            </Button>
          </Space>
        </Card>
      )}
      <Card size="small" title={t('ws.timeline')}>
        <InstanceTimeline instance={d.instance} />
      </Card>
      <OtherAction
        action={other}
        onClose={() => setOther(null)}
        busy={busy}
        onSend={(body) => run(() => ws.act(id, other!, { ...body, comment }), t('ws.done'))}
      />
    </div>
  );
}

/** Return, transfer, delegate or add a signer: who (or nothing for return) and send. */
function OtherAction({ action, onClose, onSend, busy }: { action: Other | null; onClose(): void; onSend(b: Record<string, unknown>): void; busy: boolean }) {
  const { t } = useI18n();
  const [who, setWho] = useState<number | null>(null);
  const [options, setOptions] = useState<Person[]>([]);
  const [q, setQ] = useState('');
  useEffect(() => {
    if (!action || action === 'return') return;
    ws.people(q).then(setOptions, () => setOptions([]));
  }, [action, q]);
  const title = action ? t(`ws.${action === 'signers' ? 'addSigner' : action}`) : '';
  const body = (): Record<string, unknown> => {
    if (action === 'return') return { to: 'submitter' };
    if (action === 'signers') return { user: who, position: 'after' };
    return { to: who };
  };
  return (
    <Modal open={!!action} title={title} onCancel={onClose} okButtonProps={{ loading: busy, disabled: action !== 'return' && !who }} onOk={() => onSend(body())}>
      {action === 'return' ? (
        <p>{t('ws.returnText')}</p>
      ) : (
        <Select
          style={{ width: '100%' }}
          aria-label={t('ws.person')}
          placeholder={t('record.searchUsers')}
          showSearch={{ filterOption: false, onSearch: setQ }}
          value={who ?? undefined}
          onChange={setWho}
          options={options.map((p) => ({ value: p.id, label: p.name }))}
        />
      )}
    </Modal>
  );
}
