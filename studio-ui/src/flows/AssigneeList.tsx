import { useEffect, useState } from 'react';
import { Button, InputNumber, Select, Space } from 'antd';
import { DeleteOutlined, PlusOutlined } from '@ant-design/icons';
import { people } from '../api/forms';
import type { Problem, User } from '../api/types';
import { useI18n, type MessageKey } from '../i18n';
import { ConditionInput } from './ConditionInput';
import type { FlowMeta } from './loadFlow';
import { assigneeTypes, type Assignee } from './model';
import { problemsAt } from './problems';

/** A search over users by name or e-mail; the value is the e-mail. */
function UserPicker({ value, onChange, id }: { value?: string; onChange(v: string): void; id: string }) {
  const { t } = useI18n();
  const [users, setUsers] = useState<User[]>([]);
  const [q, setQ] = useState('');
  useEffect(() => {
    const timer = setTimeout(() => {
      people.users(q).then(setUsers, () => setUsers([]));
    }, 250);
    return () => clearTimeout(timer);
  }, [q]);
  const options = users.map((u) => ({ value: u.email, label: u.name ? `${u.name} <${u.email}>` : u.email }));
  if (value && !options.some((o) => o.value === value)) options.unshift({ value, label: value });
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setQ }}
      value={value || undefined}
      onChange={onChange}
      options={options}
      placeholder={t('flow.assignee.pickUser')}
      style={{ minWidth: 180, flex: 1 }}
    />
  );
}

interface Props {
  id: string;
  value: Assignee[];
  onChange(v: Assignee[]): void;
  meta: FlowMeta;
  problems: Problem[];
}

/** Who gets a task (or a notice): users, roles, department heads, the
 * submitter's manager, a user field of the record, or an expression. */
export function AssigneeList({ id, value, onChange, meta, problems }: Props) {
  const { t, label } = useI18n();
  const set = (i: number, a: Assignee) => onChange(value.map((x, j) => (j === i ? a : x)));
  const userFields = meta.fields.filter((f) => f.type === 'user');
  return (
    <div className="assignee-list" data-testid={id}>
      {value.map((a, i) => {
        const own = problemsAt(problems, `/${i}`);
        const inputId = `${id}-${i}-value`;
        return (
          <div key={i} className="assignee-row">
            <Space.Compact style={{ width: '100%' }}>
              <Select
                aria-label={t('flow.assignee.type')}
                value={a.type}
                style={{ width: 118 }}
                onChange={(type: string) => set(i, type === 'manager' ? { type, levels: 1 } : { type, value: '' })}
                options={assigneeTypes.map((k) => ({ value: k, label: t(`flow.assignee.${k}` as MessageKey) }))}
              />
              {a.type === 'user' && <UserPicker id={inputId} value={a.value} onChange={(v) => set(i, { ...a, value: v })} />}
              {a.type === 'role' && (
                <Select
                  id={inputId}
                  showSearch={{ optionFilterProp: 'label' }}
                  value={a.value || undefined}
                  placeholder={t('flow.assignee.pickRole')}
                  style={{ flex: 1, minWidth: 150 }}
                  onChange={(v: string) => set(i, { ...a, value: v })}
                  options={meta.roles.map((r) => ({ value: r.key, label: `${label(r.title)} (${r.key})` }))}
                />
              )}
              {a.type === 'department_head' && (
                <Select
                  id={inputId}
                  value={a.value ?? ''}
                  style={{ flex: 1, minWidth: 150 }}
                  onChange={(v: string) => set(i, { ...a, value: v || undefined })}
                  options={[{ value: '', label: t('flow.assignee.ownHead') }, ...meta.departments.map((d) => ({ value: String(d.id), label: d.name }))]}
                />
              )}
              {a.type === 'manager' && (
                <InputNumber id={inputId} min={1} max={5} value={a.levels ?? 1} addonBefore={t('flow.assignee.levels')} onChange={(v) => set(i, { type: 'manager', levels: v ?? 1 })} />
              )}
              {a.type === 'field' && (
                <Select
                  id={inputId}
                  value={a.value || undefined}
                  placeholder={t('flow.assignee.pickField')}
                  style={{ flex: 1, minWidth: 150 }}
                  onChange={(v: string) => set(i, { ...a, value: v })}
                  options={userFields.map((f) => ({ value: f.key, label: `${label(f.label)} (${f.key})` }))}
                />
              )}
              <Button aria-label={t('common.remove')} icon={<DeleteOutlined />} onClick={() => onChange(value.filter((_, j) => j !== i))} />
            </Space.Compact>
            {a.type === 'expression' && (
              <ConditionInput id={inputId} value={a.value ?? ''} onChange={(v) => set(i, { ...a, value: v })} names={meta.fields.map((f) => ({ key: f.key, label: f.label }))} />
            )}
            {own.map((p, k) => (
              <div key={k} className="field-error" role="alert">
                {p.message}
              </div>
            ))}
          </div>
        );
      })}
      {problemsAt(problems, '')
        .filter((p) => p.path === '')
        .map((p, k) => (
          <div key={k} className="field-error" role="alert">
            {p.message}
          </div>
        ))}
      <Button size="small" icon={<PlusOutlined />} onClick={() => onChange([...value, { type: 'role', value: '' }])} data-testid={`${id}-add`}>
        {t('flow.assignee.add')}
      </Button>
    </div>
  );
}
