// The task inbox: pending, done and copied tasks with their counts. A
// list that reads well on a phone (375 px): one card-like row per task.

import { useEffect, useState } from 'react';
import { Badge, Grid, List, Segmented, Tag, Typography } from 'antd';
import { Link, useSearchParams } from 'react-router';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { ws, type Inbox, type Instance } from './api';
import { stateKey } from './NotificationBell';
import { useWorkspace } from './WorkspaceContext';

const groups = ['pending', 'done', 'submitted', 'cc'] as const;

export function InboxPage() {
  const { t, label, fmt } = useI18n();
  const [params, setParams] = useSearchParams();
  const group = (groups as readonly string[]).includes(params.get('state') ?? '') ? (params.get('state') as string) : 'pending';
  const [page, setPage] = useState(1);
  const [inbox, setInbox] = useState<Inbox | null>(null);
  const [mine, setMine] = useState<{ items: Instance[]; total: number } | null>(null);
  const [error, setError] = useState<unknown>(null);
  const { pulse, counts, forms } = useWorkspace();
  const wide = !!Grid.useBreakpoint().sm;
  const formTitle = (key: string) => label(forms.find((f) => f.key === key)?.title ?? key);

  useEffect(() => {
    let live = true;
    setError(null);
    const asked = group === 'submitted' ? 'pending' : group;
    ws.inbox(asked, group === 'submitted' ? 1 : page, 20).then((r) => live && setInbox(r), (e) => live && setError(e));
    ws.submissions(group === 'submitted' ? page : 1, group === 'submitted' ? 20 : 1).then((r) => live && setMine(r), () => {});
    return () => {
      live = false;
    };
  }, [group, page, pulse]);
  const c: Record<string, number> = { ...(inbox?.counts ?? counts), submitted: mine?.total ?? 0 };
  const submitted = group === 'submitted';

  return (
    <div className="page narrow ws-inbox">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('ws.inbox')}
      </Typography.Title>
      <div className="ws-groups">
        <Segmented
          block={wide}
        value={group}
        onChange={(v) => {
          setPage(1);
          setParams({ state: String(v) });
        }}
        options={groups.map((g) => ({
          value: g,
          label: (
            <span data-testid={`tab-${g}`}>
              {t(`ws.group.${g}`)} <Badge count={c[g] ?? 0} showZero size="small" color={g === 'pending' ? undefined : '#999'} />
            </span>
          ),
        }))}
        />
      </div>
      {error ? <ErrorAlert error={error} style={{ marginTop: 12 }} /> : null}
      {submitted && (
        <List
          className="ws-task-list"
          loading={!mine && !error}
          dataSource={mine?.items ?? []}
          locale={{ emptyText: t('ws.noSubmissions') }}
          pagination={mine && mine.total > 20 ? { current: page, pageSize: 20, total: mine.total, onChange: setPage, size: 'small' } : false}
          renderItem={(i) => (
            <List.Item data-testid="submission-row">
              <Link to={`/app/forms/${i.form}/${i.record_id}`} className="ws-task-link">
                <div className="ws-task-main">
                  <strong>
                    {formTitle(i.form)} #{i.record_id}
                  </strong>
                  <span className="muted">{label(i.flow_title)}</span>
                </div>
                <div className="ws-task-side">
                  <Tag color={i.state === 'approved' ? 'green' : i.state === 'rejected' ? 'red' : 'blue'}>{t(stateKey(i.state))}</Tag>
                  <span className="muted small">{fmt.dateTime(i.started_at)}</span>
                </div>
              </Link>
            </List.Item>
          )}
        />
      )}
      {!submitted && <List
        className="ws-task-list"
        loading={!inbox && !error}
        dataSource={inbox?.items ?? []}
        locale={{ emptyText: t('ws.noTasks') }}
        pagination={inbox && inbox.total > 20 ? { current: page, pageSize: 20, total: inbox.total, onChange: setPage, size: 'small' } : false}
        renderItem={(task) => (
          <List.Item data-testid="task-row">
            <Link to={`/app/inbox/${task.id}`} className="ws-task-link">
              <div className="ws-task-main">
                <strong>{label(task.node_title) || task.node}</strong>
                <span className="muted">
                  {label(task.flow_title)} · {formTitle(task.form)} #{task.record_id}
                </span>
              </div>
              <div className="ws-task-side">
                <Tag>{t(stateKey(task.state))}</Tag>
                <span className="muted small">
                  {task.submitter?.name} · {fmt.dateTime(task.created_at)}
                </span>
              </div>
            </Link>
          </List.Item>
        )}
      />}
    </div>
  );
}
