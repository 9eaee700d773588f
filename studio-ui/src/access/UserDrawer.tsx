import { useEffect, useState } from 'react';
import { App, Button, Drawer, Form, Input, Select, Space, Switch, Table, TreeSelect, Typography } from 'antd';
import { MinusCircleOutlined, PlusOutlined } from '@ant-design/icons';
import { useI18n } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { accessApi, type AdminDepartment, type AdminUser, type OutOfOffice, type UserChange } from './accessApi';
import { departmentTree } from './departmentTree';

interface Values {
  email: string;
  name: string;
  password?: string;
  active: boolean;
  roles: string[];
  department_ids: number[];
  manager_id?: number | null;
  attributes: { name: string; value: string }[];
}

/** Attribute values are typed as text in the form; numbers and true/false
 * go back as such, so `user.level > 2` in a row filter keeps working. */
function parseValue(v: string): unknown {
  if (v === 'true' || v === 'false') return v === 'true';
  if (v.trim() !== '' && !Number.isNaN(Number(v))) return Number(v);
  return v;
}

/** Creates or edits one user. Setting a password on an existing user resets
 * it, unlocks the account and signs them out everywhere. */
export function UserDrawer(props: {
  user: AdminUser | null;
  roles: string[];
  departments: AdminDepartment[];
  users: AdminUser[];
  onClose(): void;
  onSaved(): void;
}) {
  const { user, roles, departments, users, onClose, onSaved } = props;
  const { t, fmt } = useI18n();
  const { message } = App.useApp();
  const [form] = Form.useForm<Values>();
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [away, setAway] = useState<OutOfOffice[] | null>(null);
  useEffect(() => {
    if (user) accessApi.outOfOffice(user.id).then(setAway, () => setAway([]));
  }, [user]);
  const initial: Values = {
    email: user?.email ?? '',
    name: user?.name ?? '',
    active: user?.active ?? true,
    roles: user?.roles ?? [],
    department_ids: user?.department_ids ?? [],
    manager_id: user?.manager_id ?? null,
    attributes: Object.entries(user?.attributes ?? {}).map(([name, value]) => ({
      name,
      value: Array.isArray(value) ? value.join(',') : String(value),
    })),
  };
  const save = async (v: Values) => {
    setSaving(true);
    setError(null);
    const attributes = Object.fromEntries(v.attributes.filter((a) => a?.name).map((a) => [a.name, parseValue(a.value ?? '')]));
    const change: UserChange = {
      name: v.name || undefined,
      roles: v.roles,
      department_ids: v.department_ids,
      manager_id: v.manager_id ?? null,
      attributes,
    };
    try {
      if (user) {
        await accessApi.updateUser(user.id, { ...change, active: v.active, password: v.password || undefined });
      } else {
        await accessApi.createUser({ ...change, email: v.email, password: v.password });
      }
      message.success(t('access.userSaved'));
      onSaved();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };
  const userName = new Map(users.map((u) => [u.id, u.name]));
  return (
    <Drawer
      open
      width={560}
      title={user ? t('access.editUserTitle', { name: user.name }) : t('access.newUser')}
      onClose={onClose}
      destroyOnHidden
      extra={
        <Space>
          <Button onClick={onClose}>{t('common.cancel')}</Button>
          <Button type="primary" loading={saving} onClick={() => form.submit()}>
            {t('access.save')}
          </Button>
        </Space>
      }
    >
      {error ? <ErrorAlert error={error} style={{ marginBottom: 16 }} /> : null}
      <Form<Values> name="user" form={form} layout="vertical" initialValues={initial} onFinish={save}>
        <Form.Item name="email" label={t('access.email')} rules={[{ required: !user, type: 'email', message: t('access.emailNeeded') }]}>
          <Input disabled={!!user} autoComplete="off" />
        </Form.Item>
        <Form.Item name="name" label={t('access.name')}>
          <Input />
        </Form.Item>
        <Form.Item
          name="password"
          label={user ? t('access.resetPassword') : t('access.password')}
          extra={user ? t('access.resetPasswordHelp') : undefined}
          rules={[{ required: !user, min: 8, message: t('access.passwordRule') }]}
        >
          <Input.Password autoComplete="new-password" />
        </Form.Item>
        {user && (
          <Form.Item name="active" label={t('access.active')} valuePropName="checked" extra={t('access.deactivateHelp')}>
            <Switch />
          </Form.Item>
        )}
        <Form.Item name="roles" label={t('access.roles')}>
          <Select mode="multiple" allowClear options={roles.map((r) => ({ value: r, label: r }))} aria-label={t('access.roles')} />
        </Form.Item>
        <Form.Item name="department_ids" label={t('access.departments')}>
          <TreeSelect multiple allowClear treeDefaultExpandAll treeData={departmentTree(departments)} aria-label={t('access.departments')} />
        </Form.Item>
        <Form.Item name="manager_id" label={t('access.manager')}>
          <Select
            allowClear
            showSearch={{ optionFilterProp: 'label' }}
            options={users.filter((u) => u.id !== user?.id).map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))}
          />
        </Form.Item>
        <Typography.Text strong>{t('access.attributes')}</Typography.Text>
        <div className="muted" style={{ marginBottom: 8 }}>
          {t('access.attributesHelp')}
        </div>
        <Form.List name="attributes">
          {(fields, { add, remove }) => (
            <>
              {fields.map((f) => (
                <Space key={f.key} align="baseline" style={{ display: 'flex' }}>
                  <Form.Item name={[f.name, 'name']} rules={[{ pattern: /^[a-z][a-z0-9_]{0,47}$/, message: t('access.attributeKey') }]}>
                    <Input placeholder={t('access.attributeName')} style={{ width: 180 }} />
                  </Form.Item>
                  <Form.Item name={[f.name, 'value']}>
                    <Input placeholder={t('access.attributeValue')} style={{ width: 240 }} />
                  </Form.Item>
                  <MinusCircleOutlined onClick={() => remove(f.name)} aria-label={t('common.remove')} />
                </Space>
              ))}
              <Button type="dashed" icon={<PlusOutlined />} onClick={() => add({ name: '', value: '' })}>
                {t('access.addAttribute')}
              </Button>
            </>
          )}
        </Form.List>
      </Form>
      {user && (
        <div style={{ marginTop: 24 }}>
          <Typography.Text strong>{t('access.outOfOffice')}</Typography.Text>
          <Table<OutOfOffice>
            size="small"
            rowKey="id"
            loading={!away}
            dataSource={away ?? []}
            pagination={false}
            locale={{ emptyText: t('access.noOutOfOffice') }}
            columns={[
              { title: t('access.from'), render: (_, a) => fmt.dateTime(a.starts_at) },
              { title: t('access.until'), render: (_, a) => fmt.dateTime(a.ends_at) },
              { title: t('access.delegate'), render: (_, a) => userName.get(a.delegate_id) ?? `#${a.delegate_id}` },
              { title: t('access.note'), dataIndex: 'note' },
            ]}
          />
        </div>
      )}
    </Drawer>
  );
}
