// Out-of-office: the periods the user is away and who acts for them.

import { useCallback, useEffect, useState } from 'react';
import { App, Button, Card, DatePicker, Form, List, Select, Typography } from 'antd';
import { DeleteOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { ws, type OutOfOffice, type Person } from './api';

export function AwayPage() {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const [items, setItems] = useState<OutOfOffice[]>([]);
  const [names, setNames] = useState<Record<number, string>>({});
  const [people, setPeople] = useState<Person[]>([]);
  const [q, setQ] = useState('');
  const [failure, setFailure] = useState<unknown>(null);
  const load = useCallback(() => {
    ws.away().then(async (list) => {
      setItems(list);
      const ps = await ws.peopleByID([...new Set(list.map((o) => o.delegate_id))]);
      setNames(Object.fromEntries(ps.map((p) => [p.id, p.name])));
    }, setFailure);
  }, []);
  useEffect(load, [load]);
  useEffect(() => {
    ws.people(q).then(setPeople, () => setPeople([]));
  }, [q]);

  const add = async (v: { delegate: number; range: [Dayjs, Dayjs] }) => {
    setFailure(null);
    try {
      await ws.addAway({ delegate_id: v.delegate, starts_at: v.range[0].toISOString(), ends_at: v.range[1].toISOString() });
      message.success(t('ws.awaySaved'));
      load();
    } catch (e) {
      setFailure(e);
    }
  };

  return (
    <div className="page narrow">
      <Typography.Title level={3} style={{ marginTop: 0 }}>
        {t('ws.away')}
      </Typography.Title>
      <Card size="small" style={{ marginBottom: 12 }}>
        {failure ? <ErrorAlert error={failure} style={{ marginBottom: 12 }} /> : null}
        <Form layout="vertical" onFinish={add} requiredMark={false}>
          <Form.Item name="range" label={t('ws.awayWhen')} rules={[{ required: true, message: t('ws.awayWhen') }]}>
            <DatePicker.RangePicker showTime style={{ width: '100%' }} />
          </Form.Item>
          <Form.Item name="delegate" label={t('ws.delegateTo')} rules={[{ required: true, message: t('ws.delegateTo') }]}>
            <Select
              showSearch={{ filterOption: false, onSearch: setQ }}
              placeholder={t('record.searchUsers')}
              options={people.map((p) => ({ value: p.id, label: p.name }))}
            />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('ws.awayAdd')}
          </Button>
        </Form>
      </Card>
      <List
        bordered
        dataSource={items}
        locale={{ emptyText: t('ws.awayNone') }}
        renderItem={(o) => (
          <List.Item
            actions={[
              <Button key="rm" type="text" danger icon={<DeleteOutlined />} aria-label={t('common.remove')} onClick={() => ws.removeAway(o.id).then(load, setFailure)} />,
            ]}
          >
            {fmt.dateTime(o.starts_at)} – {fmt.dateTime(o.ends_at)} · {t('ws.delegateTo')}: {names[o.delegate_id] ?? `#${o.delegate_id}`}
          </List.Item>
        )}
      />
    </div>
  );
}
