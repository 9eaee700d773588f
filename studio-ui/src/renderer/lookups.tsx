// Controls that pick from the server: linked records, users, departments,
// and files to attach.

import { lazy, Suspense, useEffect, useMemo, useRef, useState } from 'react';
import { Button, Progress, Select, Space, Tooltip, Upload } from 'antd';
import { PlusOutlined, UploadOutlined } from '@ant-design/icons';
import { api, ApiError, session, toApiError } from '../api/client';
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

// note: loaded on demand; it renders a whole generated form, which imports
// this file.
const CreateRelated = lazy(() => import('./CreateRelated'));

const creatable = new Map<string, Promise<boolean>>();

/** Whether the signed-in user may create records of form. */
function mayCreate(form: string): Promise<boolean> {
  let p = creatable.get(form);
  if (!p) {
    p = api
      .get<{ items: { actions: string[] }[] }>(`/api/v1/me/permissions?form=${encodeURIComponent(form)}`)
      .then((r) => !!r.items[0]?.actions.includes('create'))
      .catch(() => false);
    creatable.set(form, p);
  }
  return p;
}

/** Searches the records of def.target by their title field; with formKey
 * (a live form, not a preview) it also offers to create one. */
export function RelationSelect({ def, value, onChange, disabled, status, id, formKey }: ControlProps) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [loading, setLoading] = useState(false);
  const q = useDebounced(search, 250);
  const [round, setRound] = useState(0);
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
  }, [target, q, round]);
  const [canCreate, setCanCreate] = useState(false);
  const [creating, setCreating] = useState(false);
  useEffect(() => {
    let live = true;
    if (formKey && target && !def.multiple) void mayCreate(target).then((ok) => live && setCanCreate(ok));
    return () => {
      live = false;
    };
  }, [formKey, target, def.multiple]);
  const select = (
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
      style={{ width: '100%' }}
    />
  );
  if (!canCreate) return select;
  return (
    <>
      <Space.Compact style={{ width: '100%' }}>
        {select}
        <Tooltip title={t('record.createNew')}>
          <Button icon={<PlusOutlined />} aria-label={t('record.createNew')} onClick={() => setCreating(true)} disabled={disabled} />
        </Tooltip>
      </Space.Compact>
      {creating && (
        <Suspense fallback={null}>
          <CreateRelated
            target={target}
            onClose={() => setCreating(false)}
            onCreated={(rec) => {
              setCreating(false);
              setRound((r) => r + 1);
              onChange(rec.id);
            }}
          />
        </Suspense>
      )}
    </>
  );
}

const names = new Map<number, Promise<string>>();

/** A user's name, looked up once per page load. */
export function PersonName({ id }: { id: number }) {
  const [name, setName] = useState(`#${id}`);
  useEffect(() => {
    let p = names.get(id);
    if (!p) {
      p = people
        .named([id])
        .then((us) => us[0]?.name ?? `#${id}`)
        .catch(() => `#${id}`);
      names.set(id, p);
    }
    let live = true;
    void p.then((n) => live && setName(n));
    return () => {
      live = false;
    };
  }, [id]);
  return <>{name}</>;
}

/** Picks a user by name; works for anyone signed in (GET /api/v1/people). */
export function UserSelect({ value, onChange, disabled, status, id }: ControlProps) {
  const { t } = useI18n();
  const [search, setSearch] = useState('');
  const [options, setOptions] = useState<Option[]>([]);
  const [chosen, setChosen] = useState<Option | null>(null);
  const q = useDebounced(search, 250);
  useEffect(() => {
    let live = true;
    people
      .find(q)
      .then((us) => live && setOptions(us.map((u) => ({ value: u.id, label: u.name }))))
      .catch(() => live && setOptions([]));
    return () => {
      live = false;
    };
  }, [q]);
  // note: the chosen user (a default such as user.id) is named even when
  // the search does not list them.
  useEffect(() => {
    if (typeof value !== 'number' || chosen?.value === value) return;
    let live = true;
    people
      .named([value])
      .then((us) => live && us[0] && setChosen({ value: us[0].id, label: us[0].name }))
      .catch(() => {});
    return () => {
      live = false;
    };
  }, [value, chosen]);
  const all = chosen && !options.some((o) => o.value === chosen.value) ? [chosen, ...options] : options;
  return (
    <Select
      id={id}
      showSearch={{ filterOption: false, onSearch: setSearch }}
      allowClear
      value={(value as number | null) ?? undefined}
      onChange={(v) => onChange(v ?? null)}
      options={all}
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

/** Sends one file with XMLHttpRequest, which (unlike fetch) reports how
 * much of the body has gone. */
function uploadWithProgress(form: string, file: File, progress: (percent: number) => void): Promise<{ id: string; name: string }> {
  return new Promise((resolve, reject) => {
    const xhr = new XMLHttpRequest();
    xhr.open('POST', `/api/v1/forms/${encodeURIComponent(form)}/files`);
    const token = session.token();
    if (token) xhr.setRequestHeader('Authorization', `Bearer ${token}`);
    xhr.setRequestHeader('Accept', 'application/json');
    xhr.upload.onprogress = (e) => e.lengthComputable && progress(Math.round((e.loaded / e.total) * 100));
    xhr.onerror = () => reject(new ApiError(0, 'network', 'the server cannot be reached'));
    xhr.onload = () => {
      let data: unknown;
      try {
        data = JSON.parse(xhr.responseText);
      } catch {
        data = undefined;
      }
      if (xhr.status >= 200 && xhr.status < 300) resolve(data as { id: string; name: string });
      else reject(toApiError(xhr.status, data));
    };
    const body = new FormData();
    body.append('file', file);
    xhr.send(body);
  });
}

interface Sending {
  uid: string;
  name: string;
  percent: number;
}

/** Uploads files for an attachment field, showing each one's progress;
 * the value is their ids. A stored record's files come as {id, name}
 * objects; they are named by their names and kept as their ids. */
export function AttachmentInput({ def, value, onChange, disabled, formKey }: ControlProps) {
  const { t } = useI18n();
  const names = useRef(new Map<string, string>());
  const ids = useMemo(() => {
    const list = Array.isArray(value) ? (value as unknown[]) : [];
    return list.map((x) => {
      if (x && typeof x === 'object' && 'id' in x) {
        const f = x as { id: string; name?: string };
        if (f.name) names.current.set(f.id, f.name);
        return f.id;
      }
      return String(x);
    });
  }, [value]);
  const latest = useRef(ids);
  latest.current = ids;
  const [sending, setSending] = useState<Sending[]>([]);
  const [error, setError] = useState<string | null>(null);
  return (
    <div>
      <Upload
        multiple
        disabled={disabled || !formKey}
        accept={def.accept?.join(',')}
        fileList={ids.map((id) => ({ uid: id, name: names.current.get(id) ?? id, status: 'done' as const }))}
        onRemove={(f) => onChange(ids.filter((x) => x !== f.uid))}
        customRequest={({ file }) => {
          const f = file as File & { uid: string };
          setError(null);
          setSending((s) => [...s, { uid: f.uid, name: f.name, percent: 0 }]);
          uploadWithProgress(formKey!, f, (percent) => setSending((s) => s.map((x) => (x.uid === f.uid ? { ...x, percent } : x))))
            .then((r) => {
              names.current.set(r.id, r.name);
              onChange([...latest.current, r.id]);
            })
            .catch((e: Error) => setError(`${f.name}: ${e.message}`))
            .finally(() => setSending((s) => s.filter((x) => x.uid !== f.uid)));
        }}
      >
        <Button icon={<UploadOutlined />} disabled={disabled || !formKey}>
          {formKey ? t('record.upload') : t('record.uploadAfterPublish')}
        </Button>
      </Upload>
      {sending.map((s) => (
        <div key={s.uid} className="upload-progress" aria-live="polite">
          <span className="muted">{s.name}</span>
          <Progress percent={s.percent} size="small" />
        </div>
      ))}
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
