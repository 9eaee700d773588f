// One record as the user may see it: its fields, the records that point at
// it, its flows' timelines with submit / withdraw / urge / comment, and its
// audit history; editing it, the records it can be turned into and the
// documents it can print.

import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, Descriptions, Empty, Input, Space, Table, Tabs, Typography } from 'antd';
import { ArrowLeftOutlined, BellOutlined, EditOutlined, RollbackOutlined, SendOutlined } from '@ant-design/icons';
import { Link, useNavigate, useParams } from 'react-router';
import { forms } from '../api/forms';
import type { FieldDef, FormDetail, RecordValue } from '../api/types';
import { useAuth } from '../auth/AuthContext';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError, PageLoading } from '../shell/PageState';
import { ws, type AuditEntry, type Instance, type StoredFile } from './api';
import { GeneratedFile, RecordActions } from './RecordActions';
import { InstanceTimeline } from './Timeline';
import { FieldValue } from './FieldValue';
import { can, useWorkspace } from './WorkspaceContext';

interface Related {
  form: FormDetail;
  field: FieldDef;
  rows: RecordValue[];
}

/** A record's name: its first auto-number or text field, else its id. */
function rowTitle(d: FormDetail, row: RecordValue): string {
  const f = d.definition.fields.find((x) => x.type === 'auto_number' || x.type === 'text');
  return f && row[f.key] ? String(row[f.key]) : `#${String(row.id)}`;
}

export function RecordPage() {
  const { form = '', id = '' } = useParams();
  const rid = Number(id);
  const { t, label, fmt } = useI18n();
  const { user } = useAuth();
  const { message } = App.useApp();
  const { forms: usable, pulse, permissions } = useWorkspace();
  const [detail, setDetail] = useState<FormDetail | null>(null);
  const [rec, setRec] = useState<RecordValue | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [flows, setFlows] = useState<Instance[]>([]);
  const [audit, setAudit] = useState<AuditEntry[] | null>(null);
  const [related, setRelated] = useState<Related[]>([]);
  const [comment, setComment] = useState('');
  const [busy, setBusy] = useState(false);
  const [failure, setFailure] = useState<unknown>(null);
  const [generated, setGenerated] = useState<{ file: StoredFile; title: string } | null>(null);
  const navigate = useNavigate();
  // note: a conversion opens the new record in this same page; what was
  // said about the last one does not belong to it.
  useEffect(() => {
    setFailure(null);
    setGenerated(null);
  }, [form, rid]);

  const load = useCallback(() => {
    setError(null);
    Promise.all([forms.get(form), forms.record(form, rid)]).then(([d, r]) => {
      setDetail(d);
      setRec(r);
    }, setError);
    ws.recordFlows(form, rid)
      .then((is) => Promise.all(is.map((i) => ws.instance(i.id))))
      .then(setFlows, () => setFlows([]));
    ws.audit(form, rid).then(setAudit, () => setAudit(null));
  }, [form, rid]);
  useEffect(load, [load, pulse]);

  // note: related records are found from the definitions: every relation
  // field of a form the user may read that points at this form.
  useEffect(() => {
    let live = true;
    Promise.all(usable.filter((f) => f.key !== form).map((f) => forms.get(f.key).catch(() => null)))
      .then((ds) =>
        Promise.all(
          ds
            .filter((d): d is FormDetail => !!d)
            .flatMap((d) => d.definition.fields.filter((f) => f.type === 'relation' && f.target === form && !f.multiple).map((f) => ({ d, f })))
            .map(({ d, f }) =>
              forms
                .records(d.key, { filter: `${f.key} == ${rid}`, per_page: 20 })
                .then((p) => ({ form: d, field: f, rows: p.items }))
                .catch(() => ({ form: d, field: f, rows: [] })),
            ),
        ),
      )
      .then((rs) => live && setRelated(rs.filter((r) => r.rows.length > 0)), () => {});
    return () => {
      live = false;
    };
  }, [usable, form, rid]);

  const act = async (fn: () => Promise<unknown>, done: string) => {
    setBusy(true);
    setFailure(null);
    try {
      await fn();
      message.success(done);
      setComment('');
      load();
    } catch (e) {
      setFailure(e);
    } finally {
      setBusy(false);
    }
  };

  if (error) return <PageError error={error} onRetry={load} />;
  if (!detail || !rec) return <PageLoading />;
  const plain = detail.definition.fields.filter((f) => f.type !== 'sub_table' && rec[f.key] !== undefined);
  const tables = detail.definition.fields.filter((f) => f.type === 'sub_table' && Array.isArray(rec[f.key]));
  const running = flows.find((i) => i.state === 'running');
  // note: flows come newest first; a record goes (back) into a flow when it
  // never went, or its last flow did not end approved.
  // A form no flow starts on submit has nothing to submit to.
  const submittable =
    (detail.submit_flows?.length ?? 0) > 0 && !running && (flows.length === 0 || ['rejected', 'withdrawn', 'cancelled'].includes(flows[0].state));
  const mine = running && running.submitter_id === user?.id;

  return (
    <div className="page">
      <div className="page-head">
        <div>
          <Link to={`/app/forms/${detail.key}`} className="muted">
            <ArrowLeftOutlined /> {label(detail.title)}
          </Link>
          <Typography.Title level={3} style={{ margin: '4px 0 0' }} data-testid="record-title">
            {label(detail.title)} {rowTitle(detail, rec)}
          </Typography.Title>
        </div>
        <Space wrap>
          {can(permissions[detail.key], 'update') && (
            <Button icon={<EditOutlined />} onClick={() => navigate(`/app/forms/${detail.key}/${rid}/edit`)} data-testid="edit-record">
              {t('ws.edit')}
            </Button>
          )}
          <RecordActions
            detail={detail}
            rec={rec}
            onFailure={(e) => {
              setFailure(e);
              // note: a refusal often means the record changed since it was shown.
              load();
            }}
            onGenerated={(file, title) => {
              setFailure(null);
              setGenerated({ file, title });
              load();
            }}
          />
          {submittable && can(permissions[detail.key], 'update') && (
            <Button type="primary" icon={<SendOutlined />} loading={busy} onClick={() => act(() => ws.submit(detail.key, rid), t('ws.submitted'))} data-testid="submit-flow">
              {t('ws.submit')}
            </Button>
          )}
          {running && mine && (
            <>
              <Button icon={<BellOutlined />} loading={busy} onClick={() => act(() => ws.urge(running.id, comment), t('ws.urged'))}>
                {t('ws.urge')}
              </Button>
              <Button danger icon={<RollbackOutlined />} loading={busy} onClick={() => act(() => ws.withdraw(running.id, comment), t('ws.withdrawn'))}>
                {t('ws.withdraw')}
              </Button>
            </>
          )}
        </Space>
      </div>
      {failure ? <ErrorAlert error={failure} style={{ marginBottom: 12 }} closable onClose={() => setFailure(null)} /> : null}
      {generated && <GeneratedFile file={generated.file} title={generated.title} onClose={() => setGenerated(null)} />}
      <Tabs
        items={[
          {
            key: 'record',
            label: t('ws.details'),
            children: (
              <Space direction="vertical" size="middle" style={{ width: '100%' }}>
                <Card size="small">
                  <Descriptions column={{ xs: 1, sm: 1, md: 2 }} size="small" bordered data-testid="record-fields">
                    {plain.map((f) => (
                      <Descriptions.Item key={f.key} label={label(f.label)}>
                        <span data-testid={`show-${f.key}`}>
                          <FieldValue def={f} value={rec[f.key]} />
                        </span>
                      </Descriptions.Item>
                    ))}
                  </Descriptions>
                </Card>
                {tables.map((f) => (
                  <Card key={f.key} size="small" title={label(f.label)}>
                    <Table
                      size="small"
                      pagination={false}
                      scroll={{ x: 'max-content' }}
                      rowKey={(_, i) => String(i)}
                      dataSource={rec[f.key] as RecordValue[]}
                      columns={(f.fields ?? []).map((c) => ({ key: c.key, title: label(c.label), dataIndex: c.key, render: (v: unknown) => <FieldValue def={c} value={v} /> }))}
                    />
                  </Card>
                ))}
                {related.map((r) => (
                  <Card key={`${r.form.key}.${r.field.key}`} size="small" title={`${label(r.form.title)} · ${label(r.field.label)}`} data-testid={`related-${r.form.key}`}>
                    {r.rows.map((row) => (
                      <div key={String(row.id)}>
                        <Link to={`/app/forms/${r.form.key}/${String(row.id)}`}>
                          {label(r.form.title)} {rowTitle(r.form, row)}
                        </Link>
                      </div>
                    ))}
                  </Card>
                ))}
              </Space>
            ),
          },
          {
            key: 'flow',
            label: t('ws.timeline'),
            children: (
              <Space direction="vertical" style={{ width: '100%' }}>
                {flows.length === 0 ? <Empty description={t('ws.noFlows')} /> : flows.map((i) => <InstanceTimeline key={i.id} instance={i} />)}
                {running && (
                  <Space.Compact style={{ width: '100%' }}>
                    <Input aria-label={t('ws.comment')} placeholder={t('ws.comment')} value={comment} onChange={(e) => setComment(e.target.value)} />
                    <Button disabled={!comment.trim()} loading={busy} onClick={() => act(() => ws.comment(running.id, comment), t('ws.commented'))}>
                      {t('ws.addComment')}
                    </Button>
                  </Space.Compact>
                )}
              </Space>
            ),
          },
          {
            key: 'audit',
            label: t('ws.history'),
            children: audit ? (
              <Table
                size="small"
                rowKey="id"
                dataSource={audit}
                pagination={{ pageSize: 10 }}
                columns={[
                  { title: t('ws.when'), dataIndex: 'at', render: (v: string) => fmt.dateTime(v), width: 180 },
                  { title: t('ws.what'), dataIndex: 'summary' },
                  {
                    title: t('ws.fields'),
                    dataIndex: 'changes',
                    render: (c: AuditEntry['changes']) => (c ? Object.keys(c).join(', ') : ''),
                  },
                ]}
              />
            ) : (
              <Empty description={t('ws.noHistory')} />
            ),
          },
        ]}
      />
    </div>
  );
}
