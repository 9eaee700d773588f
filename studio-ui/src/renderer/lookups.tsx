// Controls that pick from the server: linked records, users, departments,
// and files to attach.

import { useEffect, useMemo, useRef, useState } from 'react';
import { Button, Select, Upload } from 'antd';
import { UploadOutlined } from '@ant-design/icons';
import { forms, people } from '../api/forms';
import type { FieldDef, RecordValue } from '../api/types';
import { useI18n } from '../i18n';

const titleFields = new Map<string, Promise<string>>();

/** The field that names a record of form: its first text field. */
function titleFieldOf(form: string): Promise<string> {
  let p = titleFields.get(form);
  if (!p) {
    p = forms
      .get(form)
      .then((d) => d.definition.fields.find((f) => f.type === 'text' || f.type === 'auto_number')?.key ?? 'id')
      .catch(() => 'id');
    titleFields.set(form, p);
  }
  return p;
}

function quote(s: string): string {
  return JSON.stringify(s);
}

interface Option {
  value: number;
  label: string;
}

function useDebounced<T>(value: T, ms: number): T {
  const [v, setV] = useState(value);
  useEffect(() => {
    const id = setTimeout(() => setV(value), ms);
    return () => clearTimeout(id);
  }, [value, ms]);
  return v;
}

/** Searches the records of def.target by their title field. */
export function RelationSelect({ def, value, onChange, disabled, status, id }: ControlProps) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const q = useDebounced(search, 250);
  const target = def.target ?? '';
  useEffect(() => {
    if (!target) return;
    let live = true;
    setLoading(true);
    titleFieldOf(target)
      .then((title) =>
        forms.records(target, {
          per_page: 20,
          filter: q && title !== 'id' ? `${title} contains ${quote(q)}` : undefined,
          fields: title === 'id' ? 'id' : `id,${title}`,
        }).then((page) => ({ page, title })),
      )
      .then(({ page, title }) => {
        if (!live) return;
        setOptions(page.items.map((r: RecordValue) => ({ value: r.id as number, label: `${String(r[title] ?? '')} #${String(r.id)}` })));
      })
      .catch(() => live && setOptions([]))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [target, q]);
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      mode={def.multiple ? 'multiple' : undefined}
      value={(value as number | number[] | null) ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={options}
      loading={loading}
      disabled={disabled}
      status={status}
      placeholder={t('record.searchRecords')}
      notFoundContent={loading ? t('common.loading') : t('record.noRecords')}
    />
  );
}

export function UserSelect({ value, onChange, disabled, status, id }: ControlProps) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const q = useDebounced(search, 250);
  useEffect(() => {
    let live = true;
    people
      .users(q)
      .then((us) => live && setOptions(us.map((u) => ({ value: u.id, label: u.name ? `${u.name} <${u.email}>` : u.email }))))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [q]);
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={(value as number | null) ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={options}
      disabled={disabled}
      status={status}
      placeholder={t('record.searchUsers')}
    />
  );
}

export function DepartmentSelect({ value, onChange, disabled, status, id }: ControlProps) {
  const { t } = useI18n();
  const [options, setOptions] = useState<Option[]>([]);
  useEffect(() => {
    let live = true;
    people
      .departments()
      .then((ds) => live && setOptions(ds.map((d) => ({ value: d.id, label: d.name }))))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, []);
  return (
    <Select
      id={id}
      showSearch={{ optionFilterProp: 'label' }}
      allowClear
      value={(value as number | null) ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={options}
      disabled={disabled}
      status={status}
      placeholder={t('record.pickDepartment')}
    />
  );
}

/** Uploads files for an attachment field; the value is their ids. */
export function AttachmentInput({ def, value, onChange, disabled, formKey }: ControlProps) {
  const { t } = useI18n();
  const ids = useMemo(() => (Array.isArray(value) ? (value as string[]) : []), [value]);
  const names = useRef(new Map<string, string>());
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <Upload
        multiple
        disabled={disabled || !formKey}
        accept={def.accept?.join(',')}
        fileList={ids.map((id) => ({ uid: id, name: names.current.get(id) ?? id, status: 'done' as const }))}
        onRemove={(f) => onChange(ids.filter((x) => x !== f.uid))}
        customRequest={({ file, onSuccess, onError }) => {
          setError(null);
          forms
            .upload(formKey!, file as File)
            .then((r) => {
              names.current.set(r.id, r.name);
              onChange([...ids, r.id]);
              onSuccess?.(r);
            })
            .catch((e: Error) => {
              setError(e.message);
              onError?.(e);
            });
        }}
      >
        <Button icon={<UploadOutlined />} disabled={disabled || !formKey}>
          {formKey ? t('record.upload') : t('record.uploadAfterPublish')}
        </Button>
      </Upload>
      {error && <div className="field-error">{error}</div>}
    </div>
  );
}

export interface ControlProps {
  def: FieldDef;
  value: unknown;
  onChange(v: unknown): void;
  disabled?: boolean;
  status?: 'error';
  id?: string;
  formKey?: string;
}
