// The form the engine generates from a definition: the same component in the
// designer's preview, the studio's "new record" page and, later, the
// workspace.

import { useEffect, useMemo, useState } from 'react';
import { Alert, Col, Form } from 'antd';
import { forms } from '../api/forms';
import type { RecordValue } from '../api/types';
import { useI18n } from '../i18n';
import { FieldControl, ValueText } from './FieldControl';
import { fillPreview } from './fills';
import { FormLayout } from './FormLayout';
import { SubTableEditor } from './SubTableEditor';
import type { RenderField } from './recordModel';
import type { RecordFormState } from './useRecordForm';
import type { FieldError } from './validateRecord';

interface Props {
  form: RecordFormState;
  /** The server's problems by JSON pointer (from a 422). */
  serverErrors?: Record<string, string>;
  /** Show every problem, not only those of fields the user has touched. */
  showAllErrors?: boolean;
  /** The form's key, for uploads; absent in a preview of a draft. */
  formKey?: string;
  disabled?: boolean;
}

const noErrors: Record<string, string> = {};

const fullWidth = new Set(['long_text', 'sub_table', 'attachment', 'multi_select']);

export function RecordForm({ form, serverErrors = noErrors, showAllErrors, formKey, disabled }: Props) {
  const { t, label } = useI18n();
  const [touched, setTouched] = useState<Set<string>>(new Set());
  // note: a server problem stays on its field until the user changes it.
  const [changedSince, setChangedSince] = useState<Set<string>>(new Set());
  useEffect(() => {
    setChangedSince(new Set());
  }, [serverErrors]);

  const message = (e: FieldError | undefined) => (e ? (e.text ? label(e.text) : t(e.code, e.params)) : undefined);
  // note: problems show per value the user touched ("/items/0/qty"), so a
  // new row is not red before anything is typed in it.
  const errorAt = (path: string): string | undefined => {
    if (serverErrors[path] && !changedSince.has(path)) return serverErrors[path];
    if (showAllErrors || touched.has(path)) return message(form.errors[path]);
    return undefined;
  };
  const change = (key: string, v: unknown, cell = '') => {
    form.setValue(key, v);
    const path = `/${key}${cell}`;
    setTouched((s) => (s.has(path) ? s : new Set(s).add(path)));
    setChangedSince((s) => (s.has(path) ? s : new Set(s).add(path)));
    const preview = fillPreview(form.fields, form.values, key, v, cell);
    if (preview) {
      void forms
        .record(preview.target, preview.id)
        .then((source) => form.update((values) => preview.apply(values, source)))
        .catch(() => {}); // note: a preview only; the server fills on save.
    }
  };

  const formError = serverErrors[''] ?? (showAllErrors ? message(form.errors['']) : undefined);
  const visible = useMemo(() => form.fields.filter((f) => form.shown[f.def.key] !== false), [form.fields, form.shown]);

  const item = (f: RenderField, span: number) => {
    const key = f.def.key;
    const path = `/${key}`;
    const err = errorAt(path);
    const required = f.mode === 'edit' && (f.schema?.['x-required'] === true || f.def.required === true);
    const id = `field-${key}`;
    let body;
    if (f.def.type === 'sub_table') {
      const rows = (form.values[key] as RecordValue[] | undefined) ?? [];
      const computed = (form.computed[key] as RecordValue[] | undefined) ?? [];
      body = (
        <SubTableEditor
          field={f}
          rows={rows}
          computed={computed}
          onChange={(r, cell) => change(key, r, cell)}
          errorAt={(p) => errorAt(`${path}${p}`)}
          pending={form.pending}
          disabled={disabled || f.mode !== 'edit'}
          formKey={formKey}
        />
      );
    } else if (f.mode === 'edit') {
      body = (
        <FieldControl
          id={id}
          def={f.def}
          value={form.values[key]}
          onChange={(v) => change(key, v)}
          disabled={disabled}
          status={err ? 'error' : undefined}
          formKey={formKey}
        />
      );
    } else {
      body = <ValueText def={f.def} value={form.computed[key]} pending={form.pending[path]} />;
    }
    return (
      <Col key={key} span={span}>
        <Form.Item
          label={label(f.def.label)}
          htmlFor={id}
          required={required}
          validateStatus={err ? 'error' : undefined}
          help={err}
          extra={f.def.help ? label(f.def.help) : undefined}
          data-field={key}
        >
          {body}
        </Form.Item>
      </Col>
    );
  };

  return (
    <Form layout="vertical" component="div" className="record-form" requiredMark>
      {formError && <Alert type="error" showIcon title={formError} style={{ marginBottom: 16 }} role="alert" />}
      <FormLayout
        layout={form.definition.layout}
        fields={visible}
        wide={(f) => fullWidth.has(f.def.type)}
        render={item}
        hasError={(k) => !!errorAt(`/${k}`)}
      />
    </Form>
  );
}
