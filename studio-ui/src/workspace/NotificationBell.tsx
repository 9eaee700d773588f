// The bell: how many notices are unread, live, and the latest of them.

import { useCallback, useEffect, useState } from 'react';
import { Badge, Button, Empty, List, Popover, Typography } from 'antd';
import { BellOutlined } from '@ant-design/icons';
import { useNavigate } from 'react-router';
import { useI18n } from '../i18n';
import { ws, type Notice } from './api';
import { followEvents } from './events';
import type { MessageKey } from '../i18n';
import { useWorkspace } from './WorkspaceContext';

const kindKey: Record<Notice['kind'], MessageKey> = {
  task: 'ws.notice.task',
  cc: 'ws.notice.cc',
  urge: 'ws.notice.urge',
  decision: 'ws.notice.decision',
};

export function NotificationBell({ onNotice }: { onNotice(n: Notice): void }) {
  const { t, fmt, label } = useI18n();
  const { forms } = useWorkspace();
  const formTitle = (key: string) => label(forms.find((f) => f.key === key)?.title ?? key);
  const navigate = useNavigate();
  const [unread, setUnread] = useState(0);
  const [items, setItems] = useState<Notice[]>([]);
  const [open, setOpen] = useState(false);

  const load = useCallback(() => {
    ws.notices().then((r) => {
      setItems(r.items);
      setUnread(r.unread);
    }, () => {});
  }, []);
  useEffect(load, [load]);
  useEffect(
    () =>
      followEvents({
        unread: setUnread,
        notice: (n) => {
          setItems((old) => [n, ...old.filter((o) => o.id !== n.id)].slice(0, 20));
          onNotice(n);
        },
      }),
    [onNotice],
  );

  const go = (n: Notice) => {
    setOpen(false);
    if (!n.read_at) void ws.readNotices([n.id]).then((r) => setUnread(r.unread), () => {});
    setItems((old) => old.map((o) => (o.id === n.id ? { ...o, read_at: new Date().toISOString() } : o)));
    navigate(n.kind === 'task' || n.kind === 'urge' ? `/app/inbox/${n.task_id}` : `/app/forms/${n.form}/${n.record_id}`);
  };
  const readAll = () => {
    void ws.readNotices('all').then((r) => setUnread(r.unread), () => {});
    setItems((old) => old.map((o) => ({ ...o, read_at: o.read_at ?? new Date().toISOString() })));
  };

  const content = (
    <div className="ws-notices">
      <div className="ws-notices-head">
        <Typography.Text strong>{t('ws.notices')}</Typography.Text>
        <Button type="link" size="small" onClick={readAll} disabled={unread === 0}>
          {t('ws.readAll')}
        </Button>
      </div>
      {items.length === 0 ? (
        <Empty image={Empty.PRESENTED_IMAGE_SIMPLE} description={t('ws.noNotices')} />
      ) : (
        <List
          size="small"
          dataSource={items}
          renderItem={(n) => (
            <List.Item className={n.read_at ? 'ws-notice read' : 'ws-notice'} data-testid="notice">
              <button type="button" className="ws-notice-button" onClick={() => go(n)}>
                <span>{t(kindKey[n.kind], { form: formTitle(n.form), id: n.record_id, state: n.state ? t(stateKey(n.state)) : '' })}</span>
                <span className="muted small">{fmt.dateTime(n.created_at)}</span>
              </button>
            </List.Item>
          )}
        />
      )}
    </div>
  );

  return (
    <Popover content={content} trigger="click" open={open} onOpenChange={(o) => { setOpen(o); if (o) load(); }} placement="bottomRight">
      <Button type="text" aria-label={t('ws.bell', { n: unread })} data-testid="bell">
        <Badge count={unread} size="small" data-testid="bell-count">
          <BellOutlined style={{ fontSize: 18 }} />
        </Badge>
      </Button>
    </Popover>
  );
}

/** The words of a task or instance state. */
export function stateKey(state: string): MessageKey {
  const known = ['pending', 'approved', 'rejected', 'returned', 'cc', 'cancelled', 'skipped', 'queued', 'running', 'withdrawn', 'stuck', 'resubmitted'];
  return (known.includes(state) ? `ws.state.${state}` : 'ws.state.other') as MessageKey;
}
