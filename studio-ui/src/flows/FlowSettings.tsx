import { Alert, Button, Checkbox, Form, Input, Select, Space, Typography } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import type { Problem } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ConditionInput } from './ConditionInput';
import type { FlowMeta } from './loadFlow';
import { triggerKinds, type FlowDefinition } from './model';
import { problemsAt } from './problems';

interface Props {
  def: FlowDefinition;
  meta: FlowMeta;
  problems: Problem[];
  onChange(fn: (d: FlowDefinition) => FlowDefinition): void;
}

/** The flow as a whole, shown when no node is selected: its names, when it
 * starts, and who gets a task nobody else can take. */
export function FlowSettings({ def, meta, problems, onChange }: Props) {
  const { t, label } = useI18n();
  const names = meta.fields.map((f) => ({ key: f.key, label: f.label }));
  const at = (p: string) => problemsAt(problems, p);
  const formTitle = meta.forms.find((f) => f.key === def.form)?.title;
  const loose = problems.filter((p) => !p.path.startsWith('/triggers') && p.path !== '/fallback_assignee');
  return (
    <Form layout="vertical" component="div" data-testid="flow-settings">
      <Typography.Text type="secondary" className="panel-title">
        {t('flow.settings')}
      </Typography.Text>
      {loose.map((p, i) => (
        <Alert key={i} type="error" showIcon title={p.message} style={{ marginBottom: 8 }} data-testid="flow-problem" />
      ))}
      <Form.Item label={t('flow.prop.title')} htmlFor="flow-title">
        <Input id="flow-title" value={def.title} onChange={(e) => onChange((d) => ({ ...d, title: e.target.value }))} />
      </Form.Item>
      <Form.Item label={t('flow.prop.description')}>
        <Input.TextArea value={def.description ?? ''} autoSize={{ minRows: 2, maxRows: 6 }} onChange={(e) => onChange((d) => ({ ...d, description: e.target.value }))} />
      </Form.Item>
      <Form.Item label={t('flow.prop.form')} help={t('flow.prop.formHint')}>
        <Input value={`${label(formTitle) || def.form} (${def.form})`} disabled />
      </Form.Item>
      <Form.Item label={t('flow.prop.triggers')}>
        {def.triggers.map((tr, i) => (
          <div key={i} className="branch-card">
            <Space.Compact style={{ width: '100%' }}>
              <Select
                aria-label={t('flow.prop.triggerOn')}
                value={tr.on}
                style={{ flex: 1 }}
                onChange={(on: string) => onChange((d) => ({ ...d, triggers: d.triggers.map((x, j) => (j === i ? { ...x, on, cron: on === 'schedule' ? (x.cron ?? '0 9 * * *') : undefined } : x)) }))}
                options={triggerKinds.map((k) => ({ value: k, label: t(`flow.trigger.${k}` as MessageKey) }))}
              />
              <Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => onChange((d) => ({ ...d, triggers: d.triggers.filter((_, j) => j !== i) }))} />
            </Space.Compact>
            {tr.on === 'schedule' && (
              <Input
                className="mono"
                style={{ marginTop: 6 }}
                addonBefore="cron"
                value={tr.cron ?? ''}
                status={at(`/triggers/${i}/cron`).length ? 'error' : undefined}
                onChange={(e) => onChange((d) => ({ ...d, triggers: d.triggers.map((x, j) => (j === i ? { ...x, cron: e.target.value } : x)) }))}
              />
            )}
            <div style={{ marginTop: 6 }}>
              <ConditionInput
                id={`trigger-${i}-when`}
                value={tr.when ?? ''}
                names={names}
                placeholder={t('flow.prop.triggerWhen')}
                problems={at(`/triggers/${i}`)}
                onChange={(when) => onChange((d) => ({ ...d, triggers: d.triggers.map((x, j) => (j === i ? { ...x, when } : x)) }))}
              />
            </div>
          </div>
        ))}
        <Button size="small" icon={<PlusOutlined />} onClick={() => onChange((d) => ({ ...d, triggers: [...d.triggers, { on: 'submit' }] }))}>
          {t('flow.prop.addTrigger')}
        </Button>
      </Form.Item>
      <Form.Item label={t('flow.prop.fallback')} help={at('/fallback_assignee')[0]?.message ?? t('flow.prop.fallbackHint')} validateStatus={at('/fallback_assignee').length ? 'error' : undefined}>
        <Input value={def.fallback_assignee ?? ''} placeholder="admin@example.com" onChange={(e) => onChange((d) => ({ ...d, fallback_assignee: e.target.value || undefined }))} />
      </Form.Item>
      <Form.Item>
        <Checkbox checked={!!def.allow_self_approval} onChange={(e) => onChange((d) => ({ ...d, allow_self_approval: e.target.checked || undefined }))}>
          {t('flow.prop.selfApproval')}
        </Checkbox>
      </Form.Item>
      <Typography.Paragraph type="secondary">{t('flow.settingsHint')}</Typography.Paragraph>
    </Form>
  );
}
