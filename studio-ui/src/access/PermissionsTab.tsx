import { useEffect, useMemo, useState } from 'react';
import { Alert, App, Button, Checkbox, Empty, Input, Modal, Form, Select, Space, Table, Tag, Tooltip, Typography } from 'antd';
import { PlusOutlined } from '@ant-design/icons';
import type { FormDefinition, Problem } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { useUnsavedGuard } from '../shell/useUnsavedGuard';
import { accessApi } from './accessApi';
import {
  actions,
  actionsOf,
  fieldLevel,
  fieldPaths,
  levels,
  newRole,
  sameRole,
  scopeOf,
  scopes,
  setAction,
  setFieldLevel,
  setScope,
  type Level,
  type RoleDefinition,
  type Scope,
} from './roleModel';

const levelColor: Record<Level, string> = { hidden: 'default', read: 'blue', write: 'green' };

/** The permission matrix of one form across every role: actions, row
 * scopes and field levels. Changes are kept until "Publish", which
 * publishes each changed role; access is rebuilt at once. */
export function PermissionsTab({ roles: live, forms, versions, onPublished }: {
  roles: RoleDefinition[];
  forms: FormDefinition[];
  versions: Record<string, number>;
  onPublished(): void;
}) {
  const { t, label } = useI18n();
  const { message } = App.useApp();
  const [edited, setEdited] = useState<Record<string, RoleDefinition>>({});
  const [formKey, setFormKey] = useState<string>(() => forms.find((f) => f.key === 'order')?.key ?? forms[0]?.key ?? '');
  const [problems, setProblems] = useState<Record<string, Problem[]>>({});
  const [error, setError] = useState<unknown>(null);
  const [saving, setSaving] = useState(false);
  const [adding, setAdding] = useState(false);

  const roles = useMemo(() => live.map((r) => edited[r.key] ?? r).concat(Object.values(edited).filter((r) => !live.some((l) => l.key === r.key))), [live, edited]);
  const changed = roles.filter((r) => {
    const before = live.find((l) => l.key === r.key);
    return !before || !sameRole(before, r);
  });
  useUnsavedGuard(changed.length > 0);
  const form = forms.find((f) => f.key === formKey);
  const update = (r: RoleDefinition) => setEdited((e) => ({ ...e, [r.key]: r }));

  // note: a filter scope is an expression; the server compiles the role as
  // the admin types, and its problems show under the filter they concern.
  useEffect(() => {
    const ctl = new AbortController();
    const timer = setTimeout(() => {
      for (const r of changed) {
        accessApi.validateRole(r, ctl.signal).then(
          (v) => setProblems((p) => ({ ...p, [r.key]: v.problems })),
          () => undefined,
        );
      }
    }, 400);
    return () => {
      clearTimeout(timer);
      ctl.abort();
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [JSON.stringify(changed)]);

  const publish = async () => {
    setSaving(true);
    setError(null);
    try {
      for (const r of changed) await accessApi.publishRole(r, versions[r.key] ?? 0);
      message.success(t('access.published', { n: changed.length }));
      setEdited({});
      onPublished();
    } catch (e) {
      setError(e);
    } finally {
      setSaving(false);
    }
  };

  const grantIndex = (r: RoleDefinition) => r.grants.findIndex((g) => g.form === formKey);
  const filterProblems = (r: RoleDefinition) => {
    const i = grantIndex(r);
    return (problems[r.key] ?? []).filter((p) => changed.includes(r) && i >= 0 && p.path.startsWith(`/grants/${i}`));
  };

  return (
    <div className="permissions">
      <div className="access-toolbar permissions-bar">
        <Space>
          <span>{t('access.form')}</span>
          <Select
            style={{ width: 260 }}
            value={formKey}
            onChange={setFormKey}
            aria-label={t('access.form')}
            showSearch={{ optionFilterProp: 'label' }}
            options={forms.map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))}
          />
          <Button icon={<PlusOutlined />} onClick={() => setAdding(true)}>
            {t('access.newRole')}
          </Button>
        </Space>
        <Space>
          {changed.length > 0 && <Tag color="orange">{t('access.unpublished', { n: changed.length })}</Tag>}
          <Button onClick={() => setEdited({})} disabled={changed.length === 0}>
            {t('access.discard')}
          </Button>
          <Button type="primary" loading={saving} disabled={changed.length === 0} onClick={publish}>
            {t('access.publishRoles')}
          </Button>
        </Space>
      </div>
      {error ? <ErrorAlert error={error} style={{ marginBottom: 12 }} closable onClose={() => setError(null)} /> : null}
      {!form ? (
        <Empty description={t('access.noForms')} />
      ) : (
        <>
          <Typography.Title level={5}>{t('access.actionsTitle')}</Typography.Title>
          <Table<RoleDefinition>
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={roles}
            className="matrix"
            columns={[
              { title: t('access.role'), render: (_, r) => <RoleName role={r} dirty={changed.includes(r)} /> },
              ...actions.map((a) => ({
                title: t(`access.action.${a}` as MessageKey),
                align: 'center' as const,
                width: 80,
                render: (_: unknown, r: RoleDefinition) => {
                  const { own, inherited } = actionsOf(r, formKey);
                  const viaStar = inherited.has(a) || inherited.has('*');
                  return (
                    <Tooltip title={viaStar && !own.has(a) ? t('access.viaAllForms') : undefined}>
                      <Checkbox
                        aria-label={`${r.key} ${a}`}
                        checked={own.has(a) || viaStar}
                        disabled={viaStar && !own.has(a)}
                        onChange={(e) => update(setAction(r, formKey, a, e.target.checked))}
                      />
                    </Tooltip>
                  );
                },
              })),
            ]}
          />

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('access.scopeTitle')}
          </Typography.Title>
          <Table<RoleDefinition>
            size="small"
            rowKey="key"
            pagination={false}
            dataSource={roles.filter((r) => scopeOf(r, formKey))}
            locale={{ emptyText: t('access.noGrants') }}
            columns={[
              { title: t('access.role'), width: 220, render: (_, r) => <RoleName role={r} dirty={changed.includes(r)} /> },
              {
                title: t('access.scope'),
                width: 220,
                render: (_, r) => (
                  <Select<Scope>
                    style={{ width: 200 }}
                    aria-label={`${r.key} scope`}
                    value={scopeOf(r, formKey)!.scope}
                    onChange={(s) => update(setScope(r, formKey, s, scopeOf(r, formKey)!.filter))}
                    options={scopes.map((s) => ({ value: s, label: t(`access.scope.${s}` as MessageKey) }))}
                  />
                ),
              },
              {
                title: t('access.filter'),
                render: (_, r) => {
                  const s = scopeOf(r, formKey)!;
                  if (s.scope !== 'filter') return <span className="muted">—</span>;
                  const ps = filterProblems(r);
                  return (
                    <div>
                      <Input
                        className="mono"
                        aria-label={`${r.key} filter`}
                        status={ps.length ? 'error' : undefined}
                        value={s.filter}
                        placeholder="region == user.region"
                        onChange={(e) => update(setScope(r, formKey, 'filter', e.target.value))}
                      />
                      {ps.map((p, i) => (
                        <div key={i} className="field-problem" role="alert">
                          {p.message}
                          {p.column ? ` (${t('problem.at', { line: p.line ?? 1, column: p.column })})` : ''}
                        </div>
                      ))}
                    </div>
                  );
                },
              },
            ]}
          />

          <Typography.Title level={5} style={{ marginTop: 24 }}>
            {t('access.fieldsTitle')}
          </Typography.Title>
          <Alert type="info" showIcon title={t('access.fieldsHelp')} style={{ marginBottom: 8 }} />
          <Table
            size="small"
            rowKey="path"
            pagination={false}
            sticky={{ offsetHeader: 53 }}
            scroll={{ x: 'max-content' }}
            dataSource={fieldPaths(form.fields)}
            columns={[
              {
                title: t('access.field'),
                fixed: 'left',
                width: 220,
                render: (_, p) => (
                  <span style={{ paddingLeft: p.depth * 16 }}>
                    {label(p.field.label)} <code className="muted">{p.path}</code>
                  </span>
                ),
              },
              ...roles.map((r) => ({
                title: r.key,
                width: 120,
                render: (_: unknown, p: { path: string }) => {
                  const lv = fieldLevel(r, formKey, p.path);
                  if (!lv) return <span className="muted">—</span>;
                  return (
                    <Select<Level>
                      size="small"
                      variant="borderless"
                      aria-label={`${p.path} ${r.key}`}
                      value={lv}
                      onChange={(l) => update(setFieldLevel(r, formKey, p.path, l))}
                      labelRender={() => <Tag color={levelColor[lv]}>{t(`access.level.${lv}` as MessageKey)}</Tag>}
                      options={levels.map((l) => ({ value: l, label: t(`access.level.${l}` as MessageKey) }))}
                      popupMatchSelectWidth={false}
                    />
                  );
                },
              })),
            ]}
          />
        </>
      )}
      <NewRoleModal
        open={adding}
        taken={roles.map((r) => r.key)}
        onCancel={() => setAdding(false)}
        onCreate={(key, title) => {
          setAdding(false);
          update(newRole(key, title));
        }}
      />
    </div>
  );
}

function RoleName({ role, dirty }: { role: RoleDefinition; dirty: boolean }) {
  const { label } = useI18n();
  return (
    <span>
      <code>{role.key}</code> <span className="muted">{label(role.title)}</span>
      {dirty ? <span className="dirty-dot" aria-hidden="true" /> : null}
    </span>
  );
}

function NewRoleModal({ open, taken, onCancel, onCreate }: { open: boolean; taken: string[]; onCancel(): void; onCreate(key: string, title: string): void }) {
  const { t } = useI18n();
  const [form] = Form.useForm<{ key: string; title: string }>();
  return (
    <Modal open={open} title={t('access.newRole')} onCancel={onCancel} onOk={() => form.submit()} okText={t('access.create')} destroyOnHidden>
      <Form name="newrole" form={form} layout="vertical" onFinish={(v) => onCreate(v.key, v.title)}>
        <Form.Item name="title" label={t('access.roleTitle')} rules={[{ required: true, message: t('access.nameNeeded') }]}>
          <Input />
        </Form.Item>
        <Form.Item
          name="key"
          label={t('access.roleKey')}
          rules={[
            { required: true, pattern: /^[a-z][a-z0-9_]{0,47}$/, message: t('access.keyRule') },
            { validator: (_, v) => (taken.includes(v) || v === 'admin' ? Promise.reject(new Error(t('access.keyTaken'))) : Promise.resolve()) },
          ]}
        >
          <Input className="mono" />
        </Form.Item>
      </Form>
    </Modal>
  );
}
