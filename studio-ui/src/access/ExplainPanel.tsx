import { useState } from 'react';
import { Button, Card, Descriptions, Form, Result, Select, Table, Tag } from 'antd';
import type { FormDefinition } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ErrorAlert } from '../shell/ErrorAlert';
import { accessApi, type AdminUser, type Explanation } from './accessApi';
import { actions, fieldPaths } from './roleModel';

/** "Why may (or may not) this user do this?": the roles, grants and scopes
 * the server used to decide. */
export function ExplainPanel({ users, forms }: { users: AdminUser[]; forms: FormDefinition[] }) {
  const { t, label } = useI18n();
  const [form] = Form.useForm<{ user: number; form: string; action: string; field?: string }>();
  const formKey = Form.useWatch('form', form);
  const [answer, setAnswer] = useState<Explanation | null>(null);
  const [error, setError] = useState<unknown>(null);
  const fields = forms.find((f) => f.key === formKey)?.fields ?? [];
  const ask = (v: { user: number; form: string; action: string; field?: string }) => {
    setError(null);
    accessApi.explain(v).then(setAnswer, (e) => {
      setAnswer(null);
      setError(e);
    });
  };
  return (
    <div className="access-split">
      <Card size="small" title={t('access.explainTitle')}>
        <Form name="explain" form={form} layout="vertical" initialValues={{ action: 'read' }} onFinish={ask}>
          <Form.Item name="user" label={t('access.user')} rules={[{ required: true, message: t('access.userNeeded') }]}>
            <Select showSearch={{ optionFilterProp: 'label' }} options={users.map((u) => ({ value: u.id, label: `${u.name} <${u.email}>` }))} />
          </Form.Item>
          <Form.Item name="form" label={t('access.form')} rules={[{ required: true, message: t('access.formNeeded') }]}>
            <Select options={forms.map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))} />
          </Form.Item>
          <Form.Item name="action" label={t('access.action')}>
            <Select options={actions.map((a) => ({ value: a, label: t(`access.action.${a}` as MessageKey) }))} />
          </Form.Item>
          <Form.Item name="field" label={t('access.field')}>
            <Select allowClear showSearch={{ optionFilterProp: 'label' }} options={fieldPaths(fields).map((p) => ({ value: p.path, label: `${label(p.field.label)} (${p.path})` }))} />
          </Form.Item>
          <Button type="primary" htmlType="submit">
            {t('access.explain')}
          </Button>
        </Form>
      </Card>
      <Card size="small" title={t('access.answer')}>
        {error ? <ErrorAlert error={error} /> : null}
        {answer ? (
          <>
            <Result
              status={answer.allowed ? 'success' : 'warning'}
              title={answer.allowed ? t('access.allowed') : t('access.denied')}
              subTitle={answer.summary}
              style={{ padding: 12 }}
            />
            <Descriptions size="small" column={1} bordered>
              <Descriptions.Item label={t('access.roles')}>{(answer.roles ?? []).map((r) => <Tag key={r}>{r}</Tag>)}</Descriptions.Item>
              {answer.field ? (
                <Descriptions.Item label={t('access.fieldLevel')}>
                  <code>{answer.field}</code>: {answer.field_level ? t(`access.level.${answer.field_level}` as MessageKey) : '—'}
                </Descriptions.Item>
              ) : null}
              <Descriptions.Item label={t('access.verdict')}>{answer.verdict}</Descriptions.Item>
            </Descriptions>
            <Table
              size="small"
              style={{ marginTop: 12 }}
              rowKey={(r) => `${r.role}-${r.grant}`}
              pagination={false}
              dataSource={answer.reasons}
              locale={{ emptyText: t('access.noReasons') }}
              columns={[
                { title: t('access.role'), dataIndex: 'role' },
                { title: t('access.scope'), render: (_, r) => (r.scope ? t(`access.scope.${r.scope}` as MessageKey) : '—') },
                { title: t('access.filter'), render: (_, r) => (r.filter ? <code>{r.filter}</code> : '—') },
                { title: t('access.note'), dataIndex: 'note' },
              ]}
            />
          </>
        ) : !error ? (
          <div className="muted">{t('access.explainHelp')}</div>
        ) : null}
      </Card>
    </div>
  );
}
