import { useCallback, useEffect, useState } from 'react';
import { Alert, App, Button, DatePicker, Form, Input, Modal, Popconfirm, Select, Table, Tag, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { Dayjs } from 'dayjs';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { PageError } from '../shell/PageState';
import { accessApi, type AdminUser, type ApiKey } from './accessApi';

/** API keys for integrations: create one (its secret is shown this once),
 * see which are in use, revoke. */
export function ApiKeysTab({ users, roles }: { users: AdminUser[]; roles: string[] }) {
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const [keys, setKeys] = useState<ApiKey[] | null>(null);
  const [error, setError] = useState<unknown>(null);
  const [creating, setCreating] = useState(false);
  const [createError, setCreateError] = useState<unknown>(null);
  const [secret, setSecret] = useState<string | null>(null);
  const [form] = Form.useForm<{ name: string; user_id: number; roles: string[]; expires_at?: Dayjs }>();
  const load = useCallback(() => {
    setError(null);
    accessApi.apiKeys().then(setKeys, setError);
  }, []);
  useEffect(load, [load]);
  if (error) return <PageError error={error} onRetry={load} />;
  const userName = new Map(users.map((u) => [u.id, u.name]));
  const create = async (v: { name: string; user_id: number; roles: string[]; expires_at?: Dayjs }) => {
    setCreateError(null);
    try {
      const k = await accessApi.createApiKey({ name: v.name, user_id: v.user_id, roles: v.roles, expires_at: v.expires_at?.toISOString() });
      setCreating(false);
      form.resetFields();
      setSecret(k.key);
      load();
    } catch (e) {
      setCreateError(e);
    }
  };
  return (
    <>
      <div className="access-toolbar">
        <span className="muted">{t('access.apiKeysHelp')}</span>
        <Button type="primary" icon={<PlusOutlined />} onClick={() => setCreating(true)}>
          {t('access.newApiKey')}
        </Button>
      </div>
      <Table<ApiKey>
        rowKey="id"
        size="middle"
        loading={!keys}
        dataSource={keys ?? []}
        pagination={{ pageSize: 20, hideOnSinglePage: true }}
        locale={{ emptyText: t('access.noApiKeys') }}
        columns={[
          { title: t('access.name'), dataIndex: 'name' },
          { title: t('access.keyPrefix'), render: (_, k) => <code>{k.prefix}…</code> },
          { title: t('access.actsAs'), render: (_, k) => userName.get(k.user_id) ?? `#${k.user_id}` },
          { title: t('access.roles'), render: (_, k) => k.roles.map((r) => <Tag key={r}>{r}</Tag>) },
          {
            title: t('access.status'),
            render: (_, k) => <Tag color={k.status === 'active' ? 'green' : k.status === 'revoked' ? 'red' : 'default'}>{t(`access.key.${k.status}`)}</Tag>,
          },
          { title: t('access.lastUsed'), render: (_, k) => (k.last_used_at ? fmt.dateTime(k.last_used_at) : '—') },
          { title: t('access.expires'), render: (_, k) => (k.expires_at ? fmt.dateTime(k.expires_at) : t('access.never')) },
          {
            title: '',
            render: (_, k) =>
              k.status === 'active' ? (
                <Popconfirm
                  title={t('access.revokeConfirm', { name: k.name })}
                  onConfirm={() => accessApi.revokeApiKey(k.id).then(() => (message.success(t('access.revoked')), load()), setError)}
                >
                  <Button size="small" danger>
                    {t('access.revoke')}
                  </Button>
                </Popconfirm>
              ) : null,
          },
        ]}
      />
      <Modal open={creating} title={t('access.newApiKey')} onCancel={() => setCreating(false)} onOk={() => form.submit()} okText={t('access.create')} destroyOnHidden>
        {createError ? <ErrorAlert error={createError} style={{ marginBottom: 12 }} /> : null}
        <Form name="apikey" form={form} layout="vertical" onFinish={create}>
          <Form.Item name="name" label={t('access.name')} rules={[{ required: true, message: t('access.nameNeeded') }]}>
            <Input placeholder="ERP sync" />
          </Form.Item>
          <Form.Item name="user_id" label={t('access.actsAs')} rules={[{ required: true, message: t('access.userNeeded') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={users.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))} />
          </Form.Item>
          <Form.Item name="roles" label={t('access.roles')} extra={t('access.keyRolesHelp')} rules={[{ required: true, message: t('access.rolesNeeded') }]}>
            <Select mode="multiple" options={roles.map((r) => ({ value: r, label: r }))} />
          </Form.Item>
          <Form.Item name="expires_at" label={t('access.expires')}>
            <DatePicker showTime style={{ width: '100%' }} />
          </Form.Item>
        </Form>
      </Modal>
      <Modal open={!!secret} title={t('access.keyCreated')} onCancel={() => setSecret(null)} onOk={() => setSecret(null)} cancelButtonProps={{ style: { display: 'none' } }}>
        <Alert type="warning" showIcon title={t('access.keyOnce')} style={{ marginBottom: 12 }} />
        <Typography.Paragraph copyable code className="api-key-secret">
          {secret}
        </Typography.Paragraph>
      </Modal>
    </>
  );
}
