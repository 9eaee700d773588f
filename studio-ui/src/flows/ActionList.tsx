import { useEffect, useState } from 'react';
import { Button, Card, Form, Input, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { forms } from '../api/forms';
import type { FieldDef, Problem } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { AssigneeList } from './AssigneeList';
import { ConditionInput, type NameChoice } from './ConditionInput';
import type { FlowMeta } from './loadFlow';
import { actionTypes, type FlowAction } from './model';
import { problemsAt, under } from './problems';

/** The fields of a target form, read once it is named. */
function useFormFields(form: string | undefined): FieldDef[] {
  const [fields, setFields] = useState<FieldDef[]>([]);
  useEffect(() => {
    if (!form) {
      setFields([]);
      return;
    }
    let live = true;
    forms.get(form).then(
      (d) => live && setFields(d.definition.fields),
      () => live && setFields([]),
    );
    return () => {
      live = false;
    };
  }, [form]);
  return fields;
}

const escapeKey = (k: string) => k.replace(/~/g, '~0').replace(/\//g, '~1');

/** Field mappings: each target field gets the value of an expression over
 * the flow's record. */
function Mapping({ id, value, onChange, targets, names, problems }: { id: string; value: Record<string, string>; onChange(v: Record<string, string>): void; targets: FieldDef[]; names: NameChoice[]; problems: Problem[] }) {
  const { t, label } = useI18n();
  const rows = Object.entries(value);
  const settable = targets.filter((f) => f.type !== 'formula' && f.type !== 'auto_number');
  const rename = (from: string, to: string) => onChange(Object.fromEntries(rows.map(([k, v]) => (k === from ? [to, v] : [k, v]))));
  return (
    <div className="mapping" data-testid={id}>
      {rows.map(([k, v], i) => (
        <div key={i} className="mapping-row">
          <Space.Compact style={{ width: '100%' }}>
            <Select
              aria-label={t('flow.action.targetField')}
              showSearch={{ optionFilterProp: 'label' }}
              value={k || undefined}
              style={{ width: 150 }}
              onChange={(nk: string) => rename(k, nk)}
              options={settable.filter((f) => f.key === k || !(f.key in value)).map((f) => ({ value: f.key, label: `${label(f.label)} (${f.key})` }))}
            />
            <Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => onChange(Object.fromEntries(rows.filter(([x]) => x !== k)))} />
          </Space.Compact>
          <ConditionInput id={`${id}-${k}`} value={v} onChange={(nv) => onChange({ ...value, [k]: nv })} names={names} problems={problemsAt(problems, `/${escapeKey(k)}`)} aria-label={k} />
        </div>
      ))}
      {problemsAt(problems, '')
        .filter((p) => p.path === '')
        .map((p, i) => (
          <div key={i} className="field-error" role="alert">
            {p.message}
          </div>
        ))}
      <Button
        size="small"
        icon={<PlusOutlined />}
        disabled={!settable.some((f) => !(f.key in value))}
        onClick={() => {
          const next = settable.find((f) => !(f.key in value));
          if (next) onChange({ ...value, [next.key]: '' });
        }}
      >
        {t('flow.action.addMapping')}
      </Button>
    </div>
  );
}

function ActionEditor({ id, action, onChange, meta, names, problems }: { id: string; action: FlowAction; onChange(a: FlowAction): void; meta: FlowMeta; names: NameChoice[]; problems: Problem[] }) {
  const { t, label } = useI18n();
  const targetFields = useFormFields(action.type === 'create_record' || action.type === 'update_record' ? action.form : undefined);
  const at = (p: string) => problemsAt(problems, p);
  const err = (p: string) => (at(p).length ? 'error' : undefined);
  const help = (p: string) => (at(p).length ? at(p).map((x) => x.message).join('; ') : undefined);
  return (
    <Form layout="vertical" component="div" size="small">
      <Form.Item label={t('flow.action.type')}>
        <Select
          value={action.type}
          onChange={(type: string) => onChange(type === 'notify' ? { type, to: [], message: '' } : type === 'webhook' ? { type, url: 'https://' } : { type, set: {} })}
          options={actionTypes.map((k) => ({ value: k, label: t(`flow.action.${k}` as MessageKey) }))}
        />
      </Form.Item>
      {(action.type === 'create_record' || action.type === 'update_record') && (
        <Form.Item label={t('flow.action.form')} validateStatus={err('/form')} help={help('/form')}>
          <Select
            value={action.form || undefined}
            onChange={(form: string) => onChange({ ...action, form, set: {} })}
            options={meta.forms.map((f) => ({ value: f.key, label: `${label(f.title)} (${f.key})` }))}
          />
        </Form.Item>
      )}
      {action.type === 'update_record' && (
        <Form.Item label={t('flow.action.record')}>
          <ConditionInput id={`${id}-record`} value={action.record ?? ''} onChange={(record) => onChange({ ...action, record })} names={names} problems={at('/record')} />
        </Form.Item>
      )}
      {(action.type === 'set_fields' || action.type === 'create_record' || action.type === 'update_record') && (
        <Form.Item label={t('flow.action.set')}>
          <Mapping id={`${id}-set`} value={action.set ?? {}} onChange={(set) => onChange({ ...action, set })} targets={action.type === 'set_fields' ? meta.fields : targetFields} names={names} problems={under(problems, '/set')} />
        </Form.Item>
      )}
      {action.type === 'notify' && (
        <>
          <Form.Item label={t('flow.action.to')}>
            <AssigneeList id={`${id}-to`} value={action.to ?? []} onChange={(to) => onChange({ ...action, to })} meta={meta} problems={under(problems, '/to')} />
          </Form.Item>
          <Form.Item label={t('flow.action.email')}>
            <ConditionInput id={`${id}-email`} value={action.email ?? ''} onChange={(email) => onChange({ ...action, email })} names={names} problems={at('/email')} />
          </Form.Item>
          <Form.Item label={t('flow.action.message')} validateStatus={err('/message')} help={help('/message') ?? t('flow.action.messageHint')}>
            <Input.TextArea value={action.message ?? ''} autoSize={{ minRows: 2, maxRows: 6 }} onChange={(e) => onChange({ ...action, message: e.target.value })} />
          </Form.Item>
          <Form.Item label={t('flow.action.link')}>
            <Select value={action.link ?? ''} onChange={(link: string) => onChange({ ...action, link: link || undefined })} options={[{ value: '', label: t('flow.action.noLink') }, { value: 'sign', label: t('flow.action.signLink') }]} />
          </Form.Item>
        </>
      )}
      {action.type === 'webhook' && (
        <Form.Item label="URL" validateStatus={err('/url')} help={help('/url')}>
          <Input value={action.url ?? ''} onChange={(e) => onChange({ ...action, url: e.target.value })} />
        </Form.Item>
      )}
    </Form>
  );
}

/** The things an action node does, in order. */
export function ActionList({ id, value, onChange, meta, problems }: { id: string; value: FlowAction[]; onChange(v: FlowAction[]): void; meta: FlowMeta; problems: Problem[] }) {
  const { t } = useI18n();
  const names = meta.fields.map((f) => ({ key: f.key, label: f.label }));
  return (
    <div className="action-list">
      {value.map((a, i) => (
        <Card
          key={i}
          size="small"
          className="action-card"
          title={`${i + 1}. ${t(`flow.action.${a.type}` as MessageKey)}`}
          extra={<Button size="small" type="text" aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => onChange(value.filter((_, j) => j !== i))} />}
        >
          <ActionEditor id={`${id}-${i}`} action={a} onChange={(na) => onChange(value.map((x, j) => (j === i ? na : x)))} meta={meta} names={names} problems={under(problems, `/${i}`)} />
        </Card>
      ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...value, { type: 'notify', to: [], message: '' }])}>
        {t('flow.action.add')}
      </Button>
    </div>
  );
}
